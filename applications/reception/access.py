"""Who may see and do what with the reception grant's offers and agreements. Outsiders get 404.

The grant itself (letters, acceptance, payments) follows ``grants.access``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from grants.access import is_staff
from imdi_grants.accounts.access import is_member, is_signatory
from imdi_grants.accounts.models import User

from .models import PartnershipAgreement, ReceptionAgreement, ReceptionOffer


def offers_visible_to(user: User) -> QuerySet[ReceptionOffer]:
    if not user.is_authenticated:
        return ReceptionOffer.objects.none()
    if user.is_imdi_staff:
        return ReceptionOffer.objects.all()
    return ReceptionOffer.objects.filter(organisation__memberships__user=user)


def can_manage(user: User) -> bool:
    """Caseworkers and administrators run the scheme: agreements, offers, letters, payments."""
    return is_staff(user)


def can_fill_acceptance_letter(user: User, offer: ReceptionOffer) -> bool:
    return is_member(user, offer.organisation)


def can_sign(user: User, offer: ReceptionOffer) -> bool:
    """Submit the acceptance letter, accept, request a change: the municipality's signatory."""
    return is_signatory(user, offer.organisation)


def get_offer_for_user(user: User, pk: int) -> ReceptionOffer:
    offer = (
        offers_visible_to(user)
        .select_related("organisation", "scheme_year__scheme", "agreement", "grant")
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise Http404
    return offer


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
