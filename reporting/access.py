"""Who may see and fill in a report: the grant's organisation and IMDi staff. Outsiders: 404."""

from __future__ import annotations

from django.http import Http404

from grants.access import is_staff, may_see, restrict_to_visible_grants
from imdi_grants.accounts.access import is_member
from imdi_grants.accounts.models import User

from .models import Report


def get_report_for_user(user: User, pk: int) -> Report:
    rows = Report.objects.select_related(
        "grant__organisation", "grant__scheme_year__scheme"
    ).filter(pk=pk)
    report = restrict_to_visible_grants(rows, user).first()
    if report is None or not may_see(user, report.grant):  # e.g. a conflict of interest
        raise Http404
    return report


def can_fill(user: User | None, report: Report) -> bool:
    return user is not None and is_member(user, report.grant.organisation)


def can_review(user: User | None, report: Report | None = None) -> bool:
    return is_staff(user)
