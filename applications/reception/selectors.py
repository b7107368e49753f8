"""Reads for the reception grant's pages, each at a constant number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from imdi_grants.accounts.models import User
from schemes.models import SchemeCode, SchemeYear

from .access import offers_visible_to
from .models import PlaceCount, ReceptionAgreement, ReceptionOffer


def offer_list(*, user: User, year: int | None = None) -> QuerySet[ReceptionOffer]:
    qs = offers_visible_to(user).select_related("organisation", "scheme_year", "grant")
    if year:
        qs = qs.filter(scheme_year__year=year)
    return qs.order_by("-scheme_year__year", "organisation__name")


def agreement_list() -> QuerySet[ReceptionAgreement]:
    return (
        ReceptionAgreement.objects.select_related("organisation")
        .prefetch_related(
            Prefetch("place_counts", queryset=PlaceCount.objects.order_by("valid_from")),
            "organisation__partnership_agreements",
        )
        .order_by("organisation__name", "-start_date")
    )


def reception_years() -> QuerySet[SchemeYear]:
    return SchemeYear.objects.filter(scheme__code=SchemeCode.RECEPTION).order_by("-year")
