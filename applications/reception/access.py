"""Who may see and do what with reception grants. Outsiders get 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from imdi_grants.accounts.access import is_member, is_signatory
from imdi_grants.accounts.models import User

from .models import GrantLetter, PartnershipAgreement, ReceptionAgreement, ReceptionGrant


def grants_visible_to(user: User) -> QuerySet[ReceptionGrant]:
    if not user.is_authenticated:
        return ReceptionGrant.objects.none()
    if user.is_imdi_staff:
        return ReceptionGrant.objects.all()
    return ReceptionGrant.objects.filter(organisation__memberships__user=user)


def can_manage(user: User) -> bool:
    """Caseworkers and administrators run the scheme: agreements, offers, letters, payments."""
    return user.is_authenticated and user.is_imdi_staff


def can_fill_acceptance_letter(user: User, grant: ReceptionGrant) -> bool:
    return is_member(user, grant.organisation)


def can_sign(user: User, grant: ReceptionGrant) -> bool:
    """Submit the acceptance letter, accept, request a change: the municipality's signatory."""
    return is_signatory(user, grant.organisation)


def get_grant_for_user(user: User, pk: int) -> ReceptionGrant:
    grant = (
        grants_visible_to(user)
        .select_related("organisation", "scheme_year__scheme", "agreement")
        .filter(pk=pk)
        .first()
    )
    if grant is None:
        raise Http404
    return grant


def get_letter_for_user(user: User, pk: int) -> GrantLetter:
    letter = GrantLetter.objects.select_related("grant").filter(pk=pk).first()
    if letter is None or not grants_visible_to(user).filter(pk=letter.grant_id).exists():
        raise Http404
    return letter


def get_agreement_for_staff(user: User, pk: int) -> ReceptionAgreement:
    agreement = ReceptionAgreement.objects.select_related("organisation").filter(pk=pk).first()
    if agreement is None or not can_manage(user):
        raise Http404
    return agreement


def get_partnership_for_user(user: User, pk: int) -> PartnershipAgreement:
    partnership = PartnershipAgreement.objects.filter(pk=pk).first()
    if partnership is None or not (can_manage(user) or is_member(user, partnership.organisation)):
        raise Http404
    return partnership
