"""Reads for the reception grant's pages, each at a constant number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from imdi_grants.accounts.models import User
from schemes.models import SchemeCode, SchemeYear

from .access import grants_visible_to
from .models import (
    GrantLetter,
    Payment,
    PlaceCount,
    ReceptionAgreement,
    ReceptionGrant,
)


def grant_list(*, user: User, year: int | None = None) -> QuerySet[ReceptionGrant]:
    qs = grants_visible_to(user).select_related("organisation", "scheme_year")
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


def grant_letters(*, grant: ReceptionGrant) -> QuerySet[GrantLetter]:
    return grant.letters.order_by("-version")


def reception_years() -> QuerySet[SchemeYear]:
    return SchemeYear.objects.filter(scheme__code=SchemeCode.RECEPTION).order_by("-year")


def payment_list(*, year: int | None = None) -> QuerySet[Payment]:
    qs = Payment.objects.select_related(
        "grant__organisation", "grant__scheme_year__scheme", "approved_by"
    )
    if year:
        qs = qs.filter(grant__scheme_year__year=year)
    return qs.order_by("payment_date", "grant__case_number")
