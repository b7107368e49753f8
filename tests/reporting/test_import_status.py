"""Issue 11: reports' status in bulk — a caseworker's file approves or sends back submitted
reports, previewed with django-import-export, each through ``report_review`` (state machine,
audit, the e-mail when a report is sent back). A bad file imports nothing and lists every bad
row; the export of reports, with the same columns, imports again unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse
from django.utils import timezone

from grants.models import Grant, GrantStatus
from imdi_grants.audit.models import AuditEntry
from imdi_grants.outbox.models import OutboxMessage
from reporting import services as reports
from reporting.models import Report, ReportStatus
from reporting.resources import ReportStatusResource
from schemes.models import SchemeYear
from tests.admin_import import admin_confirm, admin_preview
from tests.factories import MunicipalityFactory
from tests.reporting.test_reports import _fill

pytestmark = pytest.mark.django_db

HEADERS = ["saksnummer", "rapport", "frist", "status", "kommentar"]


def submitted_reports(count: int, *, by) -> list[Report]:
    """``count`` accepted reception grants of 2024, each with its first half-yearly report
    submitted."""
    year = SchemeYear.objects.get(scheme__code="reception", year=2024)
    made = []
    for n in range(1, count + 1):
        grant = Grant.objects.create(
            case_number=f"2024/{n:05d}",
            organisation=MunicipalityFactory(),
            scheme_year=year,
            status=GrantStatus.ACCEPTED,
            amount=Decimal(100_000),
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2024, 12, 31),
            bank_account_number="15031234562",
            created_by=by,
        )
        made.append(
            Report.objects.create(
                grant=grant,
                kind="half_year",
                period_start=dt.date(2024, 1, 1),
                period_end=dt.date(2024, 6, 30),
                due_date=dt.date(2024, 8, 31),
                status=ReportStatus.SUBMITTED,
                participants=10,
                submitted_at=timezone.now(),
            )
        )
    return made


def _errors(result) -> dict[int, str]:
    return {row.number: str(row.error_dict) for row in result.invalid_rows}


def _state() -> list[tuple]:
    return list(
        Report.objects.order_by("pk").values_list("status", "review_comment", "reviewed_by")
    )


def test_a_good_file_previews_then_reviews_each_report_through_the_service(
    accepted_grant, applicant, administrator
):
    first, second = accepted_grant.reports.filter(kind="half_year").order_by("period_start")
    for report in (first, second):
        _fill(report, applicant)
        reports.report_submit(report=report, by=applicant)
    data = tablib.Dataset(headers=HEADERS)
    data.append([accepted_grant.case_number, "half_year", "2024-08-31", "godkjent", ""])
    # The second found by the end of its period, the kind by its name.
    data.append(
        [
            accepted_grant.case_number,
            "Halvårlig tilskuddsrapport",
            "31.12.2024",
            "returnert",
            "Mangler regnskap",
        ]
    )
    before = _state()

    preview = ReportStatusResource().import_data(data, dry_run=True, user=administrator)
    assert not preview.has_errors() and not preview.has_validation_errors(), _errors(preview)
    assert _state() == before, "the preview saves nothing"
    assert not OutboxMessage.objects.filter(key__startswith="report-returned:").exists()

    result = ReportStatusResource().import_data(data, dry_run=False, user=administrator)
    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reviewed_by) == (ReportStatus.APPROVED, administrator)
    assert (second.status, second.review_comment) == (ReportStatus.RETURNED, "Mangler regnskap")
    assert set(
        AuditEntry.objects.filter(
            action__in=["imdi.report.approved", "imdi.report.returned"]
        ).values_list("action", "actor")
    ) == {("imdi.report.approved", administrator.pk), ("imdi.report.returned", administrator.pk)}
    assert OutboxMessage.objects.filter(key__startswith="report-returned:").exists(), (
        "the organisation is told the report came back"
    )


def test_one_bad_row_among_100_imports_nothing_and_is_named(seeded, administrator):
    made = submitted_reports(100, by=administrator)
    data = tablib.Dataset(headers=HEADERS)
    for report in made:
        data.append([report.grant.case_number, "half_year", "2024-08-31", "godkjent", ""])
    data[40] = (made[40].grant.case_number, "half_year", "2024-08-31", "returnert", "")  # row 41
    before = _state()

    result = ReportStatusResource().import_data(data, dry_run=False, user=administrator)

    assert set(_errors(result)) == {41}
    assert "kommentar" in _errors(result)[41]
    assert _state() == before, "nothing is imported"
    assert not AuditEntry.objects.filter(action="imdi.report.approved").exists()


def test_every_refused_row_is_listed(seeded, administrator):
    submitted, due, approved = submitted_reports(3, by=administrator)
    Report.objects.filter(pk=due.pk).update(status=ReportStatus.DUE)
    reports.report_review(report=approved, by=administrator, approve=True, comment="Fint")
    data = tablib.Dataset(headers=HEADERS)
    data.append([submitted.grant.case_number, "half_year", "2024-08-31", "godkjent", ""])  # good
    data.append([due.grant.case_number, "half_year", "2024-08-31", "godkjent", ""])
    data.append([approved.grant.case_number, "half_year", "2024-08-31", "returnert", "Nei"])
    data.append([approved.grant.case_number, "half_year", "2024-08-31", "godkjent", "Fint"])  # same
    data.append([submitted.grant.case_number, "annual", "2024-08-31", "godkjent", ""])
    data.append([submitted.grant.case_number, "half_year", "2024-08-30", "godkjent", ""])
    data.append([submitted.grant.case_number, "half_year", "2024-08-31", "kanskje", ""])
    data.append([submitted.grant.case_number, "half_year", "2024-08-31", "ikke levert", ""])
    data.append(["2024/99999", "half_year", "2024-08-31", "godkjent", ""])

    result = ReportStatusResource().import_data(data, dry_run=True, user=administrator)

    errors = _errors(result)
    assert set(errors) == {2, 3, 5, 6, 7, 8, 9}
    assert due.grant.case_number in errors[2] and approved.grant.case_number in errors[3]
    assert "frist" in errors[5] and "frist" in errors[6]
    assert "status" in errors[7] and "status" in errors[8] and "saksnummer" in errors[9]


def test_export_then_import_gives_the_same_reports(seeded, administrator):
    made = submitted_reports(6, by=administrator)
    reports.report_review(report=made[0], by=administrator, approve=True, comment="")
    reports.report_review(report=made[1], by=administrator, approve=False, comment="Rett tallene")
    Report.objects.filter(pk=made[2].pk).update(status=ReportStatus.DUE)
    exported = ReportStatusResource().export()
    assert exported.headers == HEADERS
    assert [row[3] for row in exported] == [
        "godkjent",
        "returnert",
        "ikke levert",
        "innsendt",
        "innsendt",
        "innsendt",
    ]
    assert exported[1][4] == "Rett tallene"
    before = _state()

    result = ReportStatusResource().import_data(exported, dry_run=False, user=administrator)

    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    assert result.totals["skip"] == 6
    assert _state() == before

    # The export is also the caseworker's form: the decisions written in it are made.
    rows = [list(row) for row in exported]
    rows[3][3:] = ["godkjent", ""]
    rows[4][3:] = ["returnert", "Mangler deltakertall"]
    result = ReportStatusResource().import_data(
        tablib.Dataset(*rows, headers=HEADERS), dry_run=False, user=administrator
    )
    assert not result.has_validation_errors(), _errors(result)
    assert [r.status for r in Report.objects.order_by("pk")][3:] == [
        ReportStatus.APPROVED,
        ReportStatus.RETURNED,
        ReportStatus.SUBMITTED,
    ]


def test_someone_not_on_staff_is_refused_every_row(seeded, administrator, applicant):
    made = submitted_reports(2, by=administrator)
    data = tablib.Dataset(headers=HEADERS)
    for report in made:
        data.append([report.grant.case_number, "half_year", "2024-08-31", "godkjent", ""])
    result = ReportStatusResource().import_data(data, dry_run=False, user=applicant)
    assert set(_errors(result)) == {1, 2}
    assert all(r.status == ReportStatus.SUBMITTED for r in Report.objects.all())


def test_the_admin_shows_a_preview_then_imports_on_confirmation(seeded, client, administrator):
    (report,) = submitted_reports(1, by=administrator)
    client.force_login(administrator)
    url = reverse("admin:reporting_report_import")
    assert "kommentar" in client.get(url).content.decode()
    csv = (
        "saksnummer,rapport,frist,status,kommentar\n"
        f"{report.grant.case_number},half_year,2024-08-31,godkjent,\n"
    )
    preview = admin_preview(client, model="reporting_report", csv=csv)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    admin_confirm(client, model="reporting_report", preview=preview)
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == (ReportStatus.APPROVED, administrator)
