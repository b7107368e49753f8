"""Payment never before acceptance; repayment; reports with two-person approval of accounts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from applications.reception import services
from applications.reception.models import GrantStatus
from applications.reception.resources import PaymentResource
from imdi_grants.accounts.models import MembershipRole
from reporting import services as reports
from reporting.models import ReportStatus
from tests.factories import MembershipFactory

from .conftest import ACCEPTANCE_FIELDS

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def accepted_grant(offered_grant, signatory, caseworker):
    services.acceptance_letter_submit(grant=offered_grant, by=signatory, fields=ACCEPTANCE_FIELDS)
    services.grant_letter_issue(grant=offered_grant, by=caseworker, on=dt.date(2024, 2, 1))
    services.grant_accept(
        grant=offered_grant, by=signatory, at=dt.datetime(2024, 2, 10, 12, tzinfo=OSLO)
    )
    offered_grant.refresh_from_db()
    return offered_grant


def test_no_payment_before_acceptance(offered_grant, signatory, caseworker):
    services.acceptance_letter_submit(grant=offered_grant, by=signatory, fields=ACCEPTANCE_FIELDS)
    services.grant_letter_issue(grant=offered_grant, by=caseworker, on=dt.date(2024, 2, 1))
    assert offered_grant not in services.grants_payable()
    with pytest.raises(services.GrantError, match="ikke er akseptert"):
        services.payments_approve(
            grants=[offered_grant], payment_date=dt.date(2024, 3, 1), by=caseworker
        )
    assert not hasattr(offered_grant, "payment") or offered_grant.payment is None


def test_one_yearly_payment_with_the_account_from_the_acceptance_letter(accepted_grant, caseworker):
    assert list(services.grants_payable()) == [accepted_grant]
    [payment] = services.payments_approve(
        grants=[accepted_grant], payment_date=dt.date(2024, 3, 1), by=caseworker
    )
    assert payment.amount == Decimal("1284600")
    assert payment.bank_account_number == "15031234562"
    accepted_grant.refresh_from_db()
    assert accepted_grant.status == GrantStatus.PAID
    with pytest.raises(services.GrantError):
        services.payments_approve(
            grants=[accepted_grant], payment_date=dt.date(2024, 3, 2), by=caseworker
        )


def test_the_payment_list_exports_what_the_finance_system_needs(accepted_grant, caseworker):
    services.payments_approve(
        grants=[accepted_grant], payment_date=dt.date(2024, 3, 1), by=caseworker
    )
    dataset = PaymentResource().export()
    assert dataset.headers == [
        "saksnummer",
        "mottaker",
        "organisasjonsnummer",
        "kontonummer",
        "beløp",
        "utbetalingsdato",
        "kapittel",
        "post",
    ]
    row = dataset[0]
    assert row[0] == accepted_grant.case_number
    assert row[2] == "921234554" and row[3] == "15031234562"
    assert Decimal(row[4]) == Decimal("1284600")
    assert (row[6], row[7]) == ("671", "62")
    workbook = openpyxl.load_workbook(io.BytesIO(dataset.xlsx))
    assert workbook.active["A2"].value == accepted_grant.case_number


def test_a_repayment_is_recorded_against_the_grant(accepted_grant, caseworker):
    services.payments_approve(
        grants=[accepted_grant], payment_date=dt.date(2024, 3, 1), by=caseworker
    )
    services.repayment_record(
        grant=accepted_grant,
        amount=Decimal("100000"),
        received_on=dt.date(2025, 2, 1),
        reason="Ubrukte midler",
        by=caseworker,
    )
    with pytest.raises(services.GrantError):
        services.repayment_record(
            grant=accepted_grant,
            amount=Decimal("1200000"),
            received_on=dt.date(2025, 2, 2),
            reason="For mye",
            by=caseworker,
        )
    assert accepted_grant.repayments.count() == 1


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
    with pytest.raises(reports.ReportError, match="aktivitetene i samfunnskunnskap"):
        reports.report_submit(report=report, by=applicant)
    _fill(report, applicant)
    reports.report_submit(report=report, by=applicant)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_annual_accounts_need_two_different_approvers(accepted_grant, applicant, signatory):
    report = accepted_grant.reports.get(kind="annual")
    _fill(report, applicant, narrative="Arbeidet ga 30 deltakere jobb eller utdanning.")
    with pytest.raises(reports.ReportError, match="Prosjektlederen må godkjenne regnskapet først"):
        reports.report_approve_accounts(report=report, by=signatory, as_role="manager")
    reports.report_approve_accounts(report=report, by=applicant, as_role="project_lead")
    with pytest.raises(reports.ReportError, match="en annen person enn prosjektlederen"):
        reports.report_approve_accounts(report=report, by=applicant, as_role="manager")
    with pytest.raises(reports.ReportError, match="godkjennes av prosjektlederen"):
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
    with pytest.raises(reports.ReportError):
        reports.report_review(report=report, by=caseworker, approve=False, comment="")
    reports.report_review(report=report, by=caseworker, approve=False, comment="Mangler regnskap")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    _fill(report, applicant)
    reports.report_submit(report=report, by=applicant)
    reports.report_review(report=report, by=caseworker, approve=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    with pytest.raises(reports.ReportError):
        _fill(report, applicant)


def test_another_municipality_cannot_fill_in_the_report(accepted_grant, outsider):
    report = accepted_grant.reports.first()
    with pytest.raises(reports.ReportError):
        _fill(report, outsider)


def test_earlier_grants_prefill_the_next_acceptance_letter(accepted_grant, caseworker):
    from schemes.models import SchemeYear

    next_year = SchemeYear.objects.create(
        scheme=accepted_grant.scheme_year.scheme, year=2025, rate_per_place_per_month=2141
    )
    grant = services.grant_offer(
        organisation=accepted_grant.organisation, scheme_year=next_year, by=caseworker
    )
    initial = services.acceptance_letter_initial(grant=grant)
    assert accepted_grant.case_number in initial["earlier_grants"]
    assert "01.02.2024" in initial["earlier_grants"]


def test_a_member_without_signing_rights_can_save_but_not_submit(offered_grant, applicant):
    services.acceptance_letter_save(grant=offered_grant, by=applicant, fields=ACCEPTANCE_FIELDS)
    with pytest.raises(services.GrantError):
        services.acceptance_letter_submit(
            grant=offered_grant, by=applicant, fields=ACCEPTANCE_FIELDS
        )
    other = MembershipFactory(role=MembershipRole.SIGNATORY).user
    with pytest.raises(services.GrantError):
        services.acceptance_letter_save(grant=offered_grant, by=other, fields=ACCEPTANCE_FIELDS)
