"""Reads of grants for pages and exports, each at a constant number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch, QuerySet, Sum

from imdi_grants.accounts.models import User

from .access import grants_visible_to
from .models import (
    Grant,
    GrantLetter,
    GrantStatus,
    LetterStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
)


def grant_list(
    *, user: User, scheme_code: str | None = None, year: int | None = None
) -> QuerySet[Grant]:
    qs = grants_visible_to(user).select_related("organisation", "scheme_year__scheme")
    if scheme_code:
        qs = qs.filter(scheme_year__scheme__code=scheme_code)
    if year:
        qs = qs.filter(scheme_year__year=year)
    return qs.order_by("-scheme_year__year", "organisation__name")


def grant_letters(*, grant: Grant) -> QuerySet[GrantLetter]:
    return grant.letters.order_by("-version")


def payments_due(*, scheme_code: str = "", until: dt.date | None = None) -> QuerySet[Payment]:
    """Planned terms of accepted grants, due by ``until``: what a payment list may propose."""
    qs = Payment.objects.filter(
        status=PaymentStatus.PLANNED, grant__status=GrantStatus.ACCEPTED
    ).select_related("grant__organisation", "grant__scheme_year__scheme")
    if scheme_code:
        qs = qs.filter(grant__scheme_year__scheme__code=scheme_code)
    if until:
        qs = qs.filter(due_on__lte=until)
    return qs.order_by("due_on", "grant__case_number")


def batches(*, status: str) -> QuerySet[PaymentBatch]:
    """Payment lists by status, each with its payments and total, newest first."""
    return (
        PaymentBatch.objects.filter(status=status)
        .select_related("proposed_by", "approved_by")
        .prefetch_related(
            Prefetch(
                "payments",
                queryset=Payment.objects.select_related(
                    "grant__organisation", "grant__scheme_year__scheme"
                ).order_by("grant__case_number"),
            )
        )
        .annotate(
            total=Sum(F("payments__amount") - F("payments__withheld") - F("payments__set_off"))
        )
        .order_by("-payment_date", "-pk")
    )


def payment_list(
    *,
    scheme_code: str | None = None,
    year: int | None = None,
    batch: int | None = None,
) -> QuerySet[Payment]:
    """Approved payments, for the payment lists and their export (both schemes)."""
    qs = Payment.objects.filter(status=PaymentStatus.APPROVED).select_related(
        "grant__organisation", "grant__scheme_year__scheme", "approved_by"
    )
    if scheme_code:
        qs = qs.filter(grant__scheme_year__scheme__code=scheme_code)
    if year:
        qs = qs.filter(grant__scheme_year__year=year)
    if batch:
        qs = qs.filter(batch_id=batch)
    return qs.order_by("payment_date", "grant__case_number")


def letters_affected_by_amendment(*, scheme_year_id: int) -> QuerySet[GrantLetter]:
    """The letters in force on a year's grants (accepted, or waiting to be): what an amendment
    of the year's rate or deadlines would make disagree with the configuration."""
    return (
        GrantLetter.objects.filter(
            grant__scheme_year_id=scheme_year_id,
            status__in=[LetterStatus.AWAITING, LetterStatus.ACCEPTED],
        )
        .select_related("grant__organisation")
        .prefetch_related("grant__payments")
        .order_by("grant__case_number", "version")
    )
