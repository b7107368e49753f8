"""The integration reception grant's whole yearly cycle in a browser, with the demo users and a
real Celery worker rendering the grant letter."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import pytest
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from applications.reception.models import ReceptionOffer
from grants.models import GrantLetter
from imdi_grants.lib.deadlines import today_in_oslo
from schemes.models import SchemeYear
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_whole_cycle(live_server, demo_data, celery_worker_on_redis, page):
    base = live_server.url
    year = today_in_oslo().year

    # The caseworker registers the agreement with places and the partnership agreement.
    login(page, base, "caseworker@imdi.example")
    page.goto(f"{base}/integreringsmottak/avtaler/")
    page.select_option("select[name=organisation]", label="Drammen kommune (3301)")
    page.fill("input[name=start_date]", f"{year}-01-01")
    page.fill("input[name=places]", "50")
    page.click("form[method=post].portal-form button[type=submit]")
    page.wait_for_url(re.compile(r"/integreringsmottak/avtaler/\d+/$"))
    page.fill("input[name=partner-asylum_reception_centre]", "Drammen asylmottak")
    page.fill("input[name=partner-career_centre]", "Karrieresenteret i Buskerud")
    page.fill("input[name=partner-nav_office]", "NAV Drammen")
    page.fill("input[name=partner-valid_from]", f"{year}-01-01")
    page.fill("textarea[name=partner-responsibilities]", "Mottaket melder beboere; NAV veileder.")
    page.set_input_files(
        "input[name=partner-document]",
        files=[{"name": "avtale.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector('li:has-text("Drammen asylmottak")')

    # ... and sends the offer.
    page.goto(f"{base}/integreringsmottak/tilbud/")
    scheme_year = SchemeYear.objects.get(scheme__code="reception", year=year)
    page.select_option("select[name=scheme_year]", value=str(scheme_year.pk))
    page.select_option("select[name=organisation]", label="Drammen kommune (3301)")
    page.click("form.portal-form button[type=submit]")
    page.wait_for_url(re.compile(r"/integreringsmottak/\d+/$"))
    offer = ReceptionOffer.objects.get(organisation__municipality_number="3301")
    grant_url = f"{base}/integreringsmottak/{offer.pk}/"

    # The signatory fills in and submits the acceptance letter (prefilled from the registry).
    login(page, base, "signatory@drammen.example")
    page.goto(f"{grant_url}akseptbrev/")
    assert page.input_value("input[name=organisation_number]") == "921234554"
    page.fill("textarea[name=contact_persons]", "Anne Andersen, prosjektleder")
    page.fill("textarea[name=prerequisites]", "Lang erfaring med introduksjonsprogrammet.")
    page.click("button[name=submit]")
    page.wait_for_url(grant_url)

    # The caseworker issues the grant letter; a real worker renders it.
    login(page, base, "caseworker@imdi.example")
    page.goto(grant_url)
    page.click(f"form[action$='{offer.pk}/brev/'] button")
    page.wait_for_url(grant_url)
    grant = ReceptionOffer.objects.get(pk=offer.pk).grant
    letter = GrantLetter.objects.get(grant=grant)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not letter.rendered_at:
        time.sleep(0.3)
        letter.refresh_from_db()
    assert letter.rendered_at, "the worker did not render the grant letter"
    page.goto(grant_url)
    response = page.request.get(f"{base}/integreringsmottak/brev/{letter.pk}.pdf")
    assert response.ok
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = text.replace("\xa0", " ")
    grant.refresh_from_db()
    assert grant.case_number in text
    assert "1 284 600" in text
    acceptance_deadline = today_in_oslo() + dt.timedelta(days=14)
    with translation.override("nb"):
        assert date_format(acceptance_deadline, "j. F Y") in text

    # The signatory accepts.
    login(page, base, "signatory@drammen.example")
    page.goto(grant_url)
    page.click(f"form[action$='{offer.pk}/aksepter/'] button")
    page.wait_for_url(grant_url)
    grant.refresh_from_db()
    assert grant.status == "accepted"

    # The caseworker proposes the payment; a second caseworker approves the list (four eyes).
    login(page, base, "caseworker@imdi.example")
    page.goto(f"{base}/tilskudd/utbetalinger/")
    page.check(f"input[name=payments][value='{grant.payments.get().pk}']")
    page.fill("input[name=payment_date]", f"{year}-12-01")
    with page.expect_navigation():
        page.click("[data-testid=propose] button[type=submit]")
    batch = page.get_by_test_id("proposed-batch")
    assert grant.case_number in batch.inner_text()
    assert batch.get_by_role("button", name="Godkjenn utbetalingslisten").count() == 0
    login(page, base, "caseworker2@imdi.example")
    page.goto(f"{base}/tilskudd/utbetalinger/")
    with page.expect_navigation():
        page.get_by_role("button", name="Godkjenn utbetalingslisten").click()
    assert f"1.12.{year}" in page.get_by_test_id("approved").inner_text()
    grant.refresh_from_db()
    assert grant.status == "paid"

    # The applicant submits the first half-yearly report.
    login(page, base, "applicant@drammen.example")
    report = grant.reports.filter(kind="half_year").order_by("period_start").first()
    page.goto(f"{base}/rapporter/{report.pk}/")
    page.fill("input[name=participants]", "42")
    for component in ("norwegian", "social_studies", "competence_mapping"):
        page.fill(f"input[name={component}_participants]", "40")
        page.fill(f"textarea[name={component}_description]", "Daglig undervisning i grupper.")
    page.fill("input[name=income]", "642300")
    page.fill("input[name=expenses]", "600000")
    page.click("button[name=submit]")
    page.wait_for_url(grant_url)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.submitted_by.email == "applicant@drammen.example"
