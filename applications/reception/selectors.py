"""Reads for the reception grant's pages, each at a constant number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from imdi_grants.accounts.models import User
from schemes.models import SchemeCode, SchemeYear

from .access import offers_visible_to
from .models import PlaceCount, ReceptionAgreement, ReceptionOffer


def offer_list(*, user: User, year: int | None = None, q: str = "") -> QuerySet[ReceptionOffer]:
    qs = offers_visible_to(user).select_related("organisation", "scheme_year", "grant")
    if year:
        qs = qs.filter(scheme_year__year=year)
    if q:
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(case_number__icontains=q))
    return qs.order_by("-scheme_year__year", "organisation__name", "pk")


def agreement_list(*, q: str = "") -> QuerySet[ReceptionAgreement]:
    qs = ReceptionAgreement.objects.all()
    if q:
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(organisation__municipality_number=q))
    return (
        qs.select_related("organisation")
        .prefetch_related(
            Prefetch("place_counts", queryset=PlaceCount.objects.order_by("valid_from")),
            "organisation__partnership_agreements",
        )
        .order_by("organisation__name", "-start_date")
    )


def reception_years() -> QuerySet[SchemeYear]:
    return SchemeYear.objects.filter(scheme__code=SchemeCode.RECEPTION).order_by("-year")
