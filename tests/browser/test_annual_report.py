"""Issue 8's blocker, in the browser: the annual report with project accounts is filled in,
approved by the project lead and by their manager (two people), and submitted from its page."""

from __future__ import annotations

import io

import openpyxl
import pytest

from reporting.models import Report, ReportStatus
from tests.browser.cases import cases_build
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _accounts_form() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Inntekter", 1284600])
    workbook.active.append(["Utgifter", 1250000])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def test_the_annual_report_is_approved_twice_and_submitted_from_its_page(
    live_server, demo_data, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    cases = cases_build()
    report = Report.objects.get(pk=cases.open_report)
    assert report.kind == "annual"
    url = f"{base}/rapporter/{report.pk}/"

    login(page, base, "applicant@drammen.example")
    page.goto(url)
    page.fill("input[name=participants]", "42")
    for component in ("norwegian", "social_studies", "competence_mapping"):
        page.fill(f"input[name={component}_participants]", "40")
        page.fill(f"textarea[name={component}_description]", "Daglig undervisning i grupper.")
    page.fill("input[name=income]", "1 284 600")
    page.fill("input[name=expenses]", "1 250 000")
    page.fill("textarea[name=narrative]", "30 deltakere kom i arbeid eller utdanning.")
    page.set_input_files(
        "input[name=accounts_file]",
        files=[
            {
                "name": "prosjektregnskap.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": _accounts_form(),
            }
        ],
    )
    page.click("button[name=save]")
    page.wait_for_url(url)
    page.click("input[value=project_lead] + button")
    page.wait_for_url(url)

    login(page, base, "signatory@drammen.example")
    page.goto(url)
    page.click("input[value=manager] + button")
    page.wait_for_url(url)

    login(page, base, "applicant@drammen.example")
    page.goto(url)
    page.click("button[name=submit]")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED, page.content()[:3000]
    assert report.project_lead_approved_by.email == "applicant@drammen.example"
    assert report.manager_approved_by.email == "signatory@drammen.example"
