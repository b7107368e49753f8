"""Who may see and fill in a report: the grant's municipality and IMDi staff. Outsiders: 404."""

from __future__ import annotations

from django.http import Http404

from applications.reception.access import grants_visible_to
from imdi_grants.accounts.access import is_member
from imdi_grants.accounts.models import User

from .models import Report


def get_report_for_user(user: User, pk: int) -> Report:
    report = (
        Report.objects.select_related(
            "reception_grant__organisation", "reception_grant__scheme_year"
        )
        .filter(pk=pk, reception_grant__in=grants_visible_to(user))
        .first()
    )
    if report is None:
        raise Http404
    return report


def can_fill(user: User, report: Report) -> bool:
    return is_member(user, report.reception_grant.organisation)


def can_review(user: User) -> bool:
    return user.is_authenticated and user.is_imdi_staff
