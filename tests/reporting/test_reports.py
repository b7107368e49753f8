"""Reports on a grant, for either scheme: created on acceptance from the year's deadlines, filled
in and submitted by the organisation, accounts approved by two different people, reviewed by
IMDi."""

from __future__ import annotations

import datetime as dt

import pytest

from imdi_grants.lib.workflow import DomainError
from reporting import services as reports
from reporting.models import ReportStatus


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
