"""Who may see and do what with organisations. Every view asks here.

Outsiders get 404, not 403, so that nobody can learn which objects exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Membership, MembershipRole, Organisation, User


def organisations_for(user: User) -> QuerySet[Organisation]:
    """The organisations a municipal user acts for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()


def is_member(user: User, organisation: Organisation) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation=organisation).exists()
    )


def is_signatory(user: User, organisation: Organisation) -> bool:
    """A signatory approves and submits on the organisation's behalf."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, organisation=organisation, role=MembershipRole.SIGNATORY
        ).exists()
    )


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and (user.is_imdi_staff or is_member(user, organisation))


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    """The organisation's own signatory or an IMDi administrator sets contact details, bank
    account and written standard."""
    return user.is_authenticated and (user.is_administrator or is_signatory(user, organisation))


def invitable_roles(user: User | None) -> list[str]:
    """The roles a person may invite others to: an administrator any role; a caseworker a
    signatory, so that an organisation without one can get its applications submitted."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_administrator:
        return list(MembershipRole.values)
    if user.is_caseworker:
        return [MembershipRole.SIGNATORY]
    return []


def can_invite(user: User | None, role: str | None = None) -> bool:
    """Whether the person may invite to ``role`` (any role they may invite to, without one)."""
    roles = invitable_roles(user)
    return role in roles if role is not None else bool(roles)


def get_organisation_for_user(user: User, pk: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not can_view_organisation(user, organisation):
        raise Http404
    return organisation
