"""Issue 11: a caseworker who declared a conflict of interest in a development case cannot
approve its reports through the import either; the row names the case."""

from __future__ import annotations

import pytest
import tablib

from reporting.models import Report, ReportStatus
from reporting.resources import ReportStatusResource
from tests.assessment.conftest import award_and_accept, declare, scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_status_report(in_assessment, lead, assessor_a, assessor_b, signatory):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    grant = award_and_accept(application, lead, signatory, amount="300000")
    report = grant.reports.get(kind="status")
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    return report


def _file(report) -> tablib.Dataset:
    data = tablib.Dataset(headers=["saksnummer", "rapport", "frist", "status", "kommentar"])
    data.append([report.grant.case_number, "status", report.due_date.isoformat(), "godkjent", ""])
    return data


def test_a_conflicted_caseworker_cannot_approve_the_report_by_import(
    submitted_status_report, caseworker, lead
):
    report = submitted_status_report
    declare(report.grant.decision.application, caseworker, conflict=True)

    result = ReportStatusResource().import_data(_file(report), dry_run=False, user=caseworker)

    [row] = result.invalid_rows
    assert row.number == 1 and report.grant.case_number in str(row.error_dict["saksnummer"])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    result = ReportStatusResource().import_data(_file(report), dry_run=False, user=lead)
    assert not result.has_validation_errors()
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == (ReportStatus.APPROVED, lead)
