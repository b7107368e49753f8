from __future__ import annotations

from django.db.models import QuerySet

from .models import Report, ReportStatus


def reports_for_grant(*, grant) -> QuerySet[Report]:
    return grant.reports.order_by("due_date", "kind")


def reports_to_review() -> QuerySet[Report]:
    """Submitted reports waiting for a caseworker, oldest first."""
    return (
        Report.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("grant__organisation", "grant__scheme_year__scheme")
        .order_by("submitted_at")
    )
