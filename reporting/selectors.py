from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from grants.access import restrict_to_visible_grants
from imdi_grants.accounts.models import User
from imdi_grants.lib.deadlines import today_in_oslo

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


def reports_holding_back(*, payments: list) -> dict[int, list[str]]:
    """A term is released only when the reports due before it are approved (the development
    grant's autumn term waits for the status report of 1 September). One query for the list."""
    if not payments:
        return {}
    waiting = list(
        Report.objects.filter(grant_id__in={p.grant_id for p in payments})
        .exclude(status=ReportStatus.APPROVED)
        .order_by("due_date")
    )
    found: dict[int, list[str]] = {}
    for payment in payments:
        for report in waiting:
            if report.grant_id == payment.grant_id and report.due_date < payment.due_on:
                found.setdefault(payment.pk, []).append(
                    _("%(report)s due %(due)s is not approved yet.")
                    % {
                        "report": report.get_kind_display(),
                        "due": report.due_date.strftime("%d.%m.%Y"),
                    }
                )
    return found


def reports_keeping_open(*, grant) -> list[str]:
    """A grant closes only when every report it owes is approved."""
    waiting = Report.objects.filter(grant=grant).exclude(status=ReportStatus.APPROVED).count()
    if not waiting:
        return []
    return [_("%(count)s reports are not approved yet.") % {"count": waiting}]


def report_list(
    *,
    user: User,
    q: str = "",
    status: str = "",
    kind: str = "",
    scheme_code: str = "",
    year: int | None = None,
    overdue: bool = False,
) -> QuerySet[Report]:
    """The reports a person may see (staff: all; an organisation's users: its own), filtered,
    soonest due first, with what a list shows in the same query."""
    qs = restrict_to_visible_grants(Report.objects.all(), user)
    if q:
        qs = qs.filter(
            Q(grant__organisation__name__icontains=q) | Q(grant__case_number__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if scheme_code:
        qs = qs.filter(grant__scheme_year__scheme__code=scheme_code)
    if year:
        qs = qs.filter(grant__scheme_year__year=year)
    if overdue:
        qs = qs.filter(
            status__in=[ReportStatus.DUE, ReportStatus.RETURNED], due_date__lt=today_in_oslo()
        )
    return qs.select_related("grant__organisation", "grant__scheme_year__scheme").order_by(
        "due_date", "grant__case_number", "pk"
    )
