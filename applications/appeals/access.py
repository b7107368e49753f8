"""Who may see and handle an appeal. Outsiders get 404."""

from __future__ import annotations

from django.http import Http404

from applications.development import access as application_access
from imdi_grants.accounts.access import is_member
from imdi_grants.accounts.models import User

from .models import Appeal


def can_view(user: User, appeal: Appeal) -> bool:
    """The organisation's users; IMDi staff, without a conflict of interest in a dismissed
    application."""
    if not user.is_authenticated:
        return False
    if user.is_imdi_staff:
        return appeal.decision_id is None or application_access.is_impartial(
            user, appeal.decision.case
        )
    return is_member(user, appeal.organisation)


def can_handle(user: User, appeal: Appeal) -> bool:
    return user.is_authenticated and user.is_imdi_staff and can_view(user, appeal)


def get_appeal_for_user(user: User, pk: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related(
            "organisation",
            "decision__application",
            "decision__reversed_from",
            "reaction__grant",
            "lodged_by",
            "handled_by",
        )
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not can_view(user, appeal):
        raise Http404
    return appeal
