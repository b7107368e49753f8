from __future__ import annotations

from django.db.models import QuerySet

from .models import Report


def reports_for_grant(*, grant) -> QuerySet[Report]:
    return grant.reports.order_by("due_date", "kind")


def reports_to_review() -> QuerySet[Report]:
    """Submitted reports waiting for a caseworker, oldest first."""
    return (
        Report.objects.filter(status="submitted")
        .select_related("reception_grant__organisation")
        .order_by("submitted_at")
    )
