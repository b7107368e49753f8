"""Reports on a grant, for either scheme: created on acceptance from the year's deadlines, filled
in and submitted by the organisation, accounts approved by two different people, reviewed by
IMDi."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imdi_grants.lib.workflow import DomainError
from reporting import services as reports
from reporting.models import ReportStatus


def accounts_form() -> SimpleUploadedFile:
    """IMDi's reporting form for accounts, filled in (a real XLSX file)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Inntekter", 1284600])
    workbook.active.append(["Utgifter", 1250000])
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile(
        "prosjektregnskap.xlsx",
        data.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_acceptance_creates_the_reports_from_the_deadlines(accepted_grant):
    kinds = sorted((r.kind, r.due_date) for r in accepted_grant.reports.all())
    assert kinds == [
        ("annual", dt.date(2025, 1, 31)),
        ("half_year", dt.date(2024, 8, 31)),
        ("half_year", dt.date(2025, 1, 31)),
    ]


def _fill(report, by, **extra):
    activities = {
        c: (10, "Undervisning") for c in ("norwegian", "social_studies", "competence_mapping")
    }
    return reports.report_save(
        report=report,
        by=by,
        fields={"participants": 12, "narrative": "", "income": 500000, "expenses": 480000, **extra},
        activities=activities,
    )


def test_a_half_year_report_needs_the_mandatory_components(accepted_grant, applicant):
    report = accepted_grant.reports.filter(kind="half_year").order_by("period_start").first()
    reports.report_save(
        report=report,
        by=applicant,
        fields={"participants": 12, "income": 1, "expenses": 1},
        activities={"norwegian": (10, "Undervisning")},
    )
    with pytest.raises(DomainError, match="aktivitetene i samfunnskunnskap"):
        reports.report_submit(report=report, by=applicant)
    _fill(report, applicant)
    reports.report_submit(report=report, by=applicant)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_annual_accounts_need_two_different_approvers(accepted_grant, applicant, signatory):
    report = accepted_grant.reports.get(kind="annual")
    _fill(report, applicant, narrative="Arbeidet ga 30 deltakere jobb eller utdanning.")
    reports.report_save(
        report=report, by=applicant, fields={}, activities={}, accounts_file=accounts_form()
    )
    with pytest.raises(DomainError, match="Prosjektlederen må godkjenne regnskapet først"):
        reports.report_approve_accounts(report=report, by=signatory, as_role="manager")
    reports.report_approve_accounts(report=report, by=applicant, as_role="project_lead")
    with pytest.raises(DomainError, match="en annen person enn prosjektlederen"):
        reports.report_approve_accounts(report=report, by=applicant, as_role="manager")
    with pytest.raises(DomainError, match="godkjennes av prosjektlederen"):
        reports.report_submit(report=report, by=applicant)
    reports.report_approve_accounts(report=report, by=signatory, as_role="manager")
    report.refresh_from_db()
    assert report.project_lead_approved_by == applicant and report.project_lead_approved_at
    assert report.manager_approved_by == signatory and report.manager_approved_at
    reports.report_submit(report=report, by=applicant)


def test_a_caseworker_sends_a_report_back_and_approves_it(accepted_grant, applicant, caseworker):
    report = accepted_grant.reports.filter(kind="half_year").first()
    _fill(report, applicant)
    reports.report_submit(report=report, by=applicant)
    with pytest.raises(DomainError):
        reports.report_review(report=report, by=caseworker, approve=False, comment="")
    reports.report_review(report=report, by=caseworker, approve=False, comment="Mangler regnskap")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    _fill(report, applicant)
    reports.report_submit(report=report, by=applicant)
    reports.report_review(report=report, by=caseworker, approve=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    with pytest.raises(DomainError):
        _fill(report, applicant)


def test_another_municipality_cannot_fill_in_the_report(accepted_grant, outsider):
    report = accepted_grant.reports.first()
    with pytest.raises(DomainError):
        _fill(report, outsider)


def _annual_page_data(**extra):
    data = {
        "participants": "12",
        "narrative": "Arbeidet ga 30 deltakere jobb eller utdanning.",
        "income": "1284600",
        "expenses": "1250000",
    }
    for component in ("norwegian", "social_studies", "competence_mapping"):
        data[f"{component}_participants"] = "10"
        data[f"{component}_description"] = "Undervisning"
    return {**data, **extra}


def test_the_annual_report_is_submitted_from_its_page_after_both_approvals(
    client, accepted_grant, applicant, signatory
):
    """Issue 8: the page saves the form before it submits; saving the same accounts again must
    not take back the approvals, or the report can never be submitted."""
    report = accepted_grant.reports.get(kind="annual")
    url = reverse("reporting:report_detail", args=[report.pk])
    approve = reverse("reporting:approve_accounts", args=[report.pk])
    client.force_login(applicant)
    client.post(url, _annual_page_data(save="1", accounts_file=accounts_form()))
    client.post(approve, {"as_role": "project_lead"})
    client.force_login(signatory)
    client.post(approve, {"as_role": "manager"})
    client.force_login(applicant)
    response = client.post(url, _annual_page_data(submit="1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED, response
    assert report.project_lead_approved_by == applicant
    assert report.manager_approved_by == signatory


def test_the_caseworker_opens_the_uploaded_accounts_and_outsiders_do_not(
    client, accepted_grant, applicant, caseworker, outsider
):
    """Issue 10: uploaded report files can be opened by the caseworker; each download is
    audited."""
    from imdi_grants.audit.models import AuditEntry

    report = accepted_grant.reports.get(kind="annual")
    reports.report_save(
        report=report, by=applicant, fields={}, activities={}, accounts_file=accounts_form()
    )
    url = reverse("reporting:accounts_file", args=[report.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(caseworker)
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert next(iter(workbook.active.values)) == ("Inntekter", 1284600)
    assert AuditEntry.objects.filter(
        action="imdi.security.attachment_downloaded", actor=caseworker
    ).exists()


def test_changing_the_accounts_takes_back_the_approvals(
    client, accepted_grant, applicant, signatory
):
    report = accepted_grant.reports.get(kind="annual")
    url = reverse("reporting:report_detail", args=[report.pk])
    client.force_login(applicant)
    client.post(url, _annual_page_data(save="1", accounts_file=accounts_form()))
    reports.report_approve_accounts(report=report, by=applicant, as_role="project_lead")
    reports.report_approve_accounts(report=report, by=signatory, as_role="manager")
    client.post(url, _annual_page_data(submit="1", expenses="1260000"))
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE
    assert report.project_lead_approved_by is None and report.manager_approved_by is None


def test_the_manager_cannot_also_approve_as_project_lead(accepted_grant, applicant, signatory):
    report = accepted_grant.reports.get(kind="annual")
    _fill(report, applicant, narrative="Arbeidet ga resultater.")
    reports.report_save(
        report=report, by=applicant, fields={}, activities={}, accounts_file=accounts_form()
    )
    reports.report_approve_accounts(report=report, by=applicant, as_role="project_lead")
    reports.report_approve_accounts(report=report, by=signatory, as_role="manager")
    with pytest.raises(DomainError, match="en annen person enn lederen"):
        reports.report_approve_accounts(report=report, by=signatory, as_role="project_lead")
    report.refresh_from_db()
    assert report.project_lead_approved_by == applicant
    reports.report_submit(report=report, by=applicant)


def test_one_person_in_both_roles_is_refused_at_submission(accepted_grant, applicant, signatory):
    """Even if the two approvals end up with one person (edited in the database), submission
    checks it again."""
    report = accepted_grant.reports.get(kind="annual")
    _fill(report, applicant, narrative="Arbeidet ga resultater.")
    reports.report_save(
        report=report, by=applicant, fields={}, activities={}, accounts_file=accounts_form()
    )
    reports.report_approve_accounts(report=report, by=applicant, as_role="project_lead")
    reports.report_approve_accounts(report=report, by=signatory, as_role="manager")
    type(report).objects.filter(pk=report.pk).update(manager_approved_by=applicant)
    with pytest.raises(DomainError, match="to forskjellige personer"):
        reports.report_submit(report=report, by=applicant)


def test_the_annual_report_needs_the_accounts_form(accepted_grant, applicant, signatory):
    report = accepted_grant.reports.get(kind="annual")
    _fill(report, applicant, narrative="Arbeidet ga resultater.")
    reports.report_approve_accounts(report=report, by=applicant, as_role="project_lead")
    reports.report_approve_accounts(report=report, by=signatory, as_role="manager")
    with pytest.raises(DomainError, match="rapporteringsskjema for regnskap"):
        reports.report_submit(report=report, by=applicant)


def test_a_report_cannot_be_submitted_before_its_period_begins(
    accepted_grant, applicant, time_machine
):
    report = accepted_grant.reports.filter(kind="half_year").order_by("-period_start").first()
    assert report.period_start == dt.date(2024, 7, 1)
    time_machine.move_to(dt.datetime(2024, 6, 30, 12, 0, tzinfo=dt.UTC))
    _fill(report, applicant)
    with pytest.raises(DomainError, match=r"01\.07\.2024"):
        reports.report_submit(report=report, by=applicant)
    time_machine.move_to(dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.UTC))
    reports.report_submit(report=report, by=applicant)


def test_the_accounts_take_amounts_as_people_type_them(client, accepted_grant, applicant):
    """Issue 8: money fields accept "300 000,50" and "300000,50"; øre round to whole kroner."""
    report = accepted_grant.reports.filter(kind="half_year").first()
    client.force_login(applicant)
    client.post(
        reverse("reporting:report_detail", args=[report.pk]),
        {"save": "1", "participants": "12", "income": "642 300,50", "expenses": "600000,49"},
    )
    report.refresh_from_db()
    assert (report.income, report.expenses) == (642301, 600000)
