"""Reads of grants for pages and exports, each at a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum

from imdi_grants.accounts.models import User
from schemes.models import SchemeYear

from .access import grants_visible_to, restrict_to_visible_grants
from .models import (
    PAID_STATUSES,
    ClosingLetter,
    Grant,
    GrantLetter,
    GrantStatus,
    LetterStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
    Reaction,
    ReactionStatus,
)

_NOT_DONE = Q(rendered_at__isnull=True) | Q(sent_on__isnull=True)


def grant_letters_stuck(*, before: dt.datetime) -> QuerySet[GrantLetter]:
    """Issued before ``before`` and still not rendered or sent: their task was lost."""
    return (
        GrantLetter.objects.filter(status=LetterStatus.AWAITING, created_at__lt=before)
        .filter(_NOT_DONE)
        .select_related("grant__organisation")
    )


def reaction_letters_stuck(*, before: dt.datetime) -> QuerySet[Reaction]:
    return (
        Reaction.objects.filter(status=ReactionStatus.APPROVED, decided_at__lt=before)
        .filter(_NOT_DONE)
        .select_related("grant__organisation")
    )


def closing_letters_stuck(*, before: dt.datetime) -> QuerySet[ClosingLetter]:
    return (
        ClosingLetter.objects.filter(created_at__lt=before)
        .filter(_NOT_DONE)
        .select_related("grant__organisation")
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


def payments_due(
    *, scheme_code: str = "", until: dt.date | None = None, user: User | None = None
) -> QuerySet[Payment]:
    """Planned terms of accepted grants, due by ``until``: what a payment list may propose;
    with ``user``, only of the grants that person may see (not a case they are conflicted in)."""
    qs = Payment.objects.filter(
        status=PaymentStatus.PLANNED, grant__status=GrantStatus.ACCEPTED
    ).select_related("grant__organisation", "grant__scheme_year__scheme")
    if user is not None:
        qs = restrict_to_visible_grants(qs, user)
    if scheme_code:
        qs = qs.filter(grant__scheme_year__scheme__code=scheme_code)
    if until:
        qs = qs.filter(due_on__lte=until)
    return qs.order_by("due_on", "grant__case_number")


def batches(*, status: str, with_payments: bool = True) -> list[PaymentBatch]:
    """Payment lists by status, newest first, each with its total, number of payments and
    number paid out (``batch_totals``); ``with_payments`` reads each list's payments too (for
    the lists awaiting approval, not for the history of approved ones, which the exports
    give). Give it a slice of ``batch_rows`` to page."""
    qs = batch_rows(status=status)
    if with_payments:
        qs = qs.prefetch_related(
            Prefetch(
                "payments",
                queryset=Payment.objects.select_related(
                    "grant__organisation", "grant__scheme_year__scheme"
                ).order_by("grant__case_number"),
            )
        )
    return batch_totals(batches=list(qs))


def batch_rows(*, status: str) -> QuerySet[PaymentBatch]:
    return (
        PaymentBatch.objects.filter(status=status)
        .select_related("proposed_by", "approved_by")
        .order_by("-payment_date", "-pk")
    )


def batch_totals(*, batches: list[PaymentBatch]) -> list[PaymentBatch]:
    """Set ``total`` (net of withholding and set-off), ``payment_count`` and
    ``disbursed_count`` on each of ``batches`` from one grouped query over their payments."""
    found = {
        row["batch"]: row
        for row in Payment.objects.filter(batch__in=[batch.pk for batch in batches])
        .order_by()
        .values("batch")
        .annotate(
            total=Sum(F("amount") - F("withheld") - F("set_off")),
            payment_count=Count("pk"),
            disbursed_count=Count("pk", filter=Q(status=PaymentStatus.DISBURSED)),
        )
    }
    for batch in batches:
        row = found.get(batch.pk, {})
        batch.total = row.get("total") or Decimal("0")
        batch.payment_count = row.get("payment_count", 0)
        batch.disbursed_count = row.get("disbursed_count", 0)
    return batches


def payment_list(
    *,
    scheme_code: str | None = None,
    year: int | None = None,
    batch: int | None = None,
) -> QuerySet[Payment]:
    """Approved payments (paid out or not yet confirmed by the accounting system), for the
    payment lists and their export (both schemes)."""
    qs = Payment.objects.filter(status__in=PAID_STATUSES).select_related(
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


#: Grants the public may know of: the recipient accepted them (refusals, lapsed offers and
#: letters not yet accepted are never published).
PUBLISHED = (GrantStatus.ACCEPTED, GrantStatus.PAID, GrantStatus.CLOSED)


def awarded_grants(*, year: int | None = None, scheme_code: str = "") -> QuerySet[Grant]:
    """Accepted grants for the open data, newest case first (a case number begins with its
    year), at a constant number of queries; the order follows the case number's unique index,
    so a page reads its 50 rows, not every grant sorted by name."""
    qs = Grant.objects.filter(status__in=PUBLISHED).select_related(
        "organisation", "scheme_year__scheme"
    )
    if year:
        qs = qs.filter(scheme_year__year=year)
    if scheme_code:
        qs = qs.filter(scheme_year__scheme__code=scheme_code)
    return qs.order_by("-case_number")


def awarded_years() -> list[int]:
    """The years with published grants: a scheme year with any, not a DISTINCT over grants."""
    published = Grant.objects.filter(scheme_year=OuterRef("pk"), status__in=PUBLISHED)
    return list(
        SchemeYear.objects.filter(Exists(published))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def open_data_rows(grants: list[Grant]) -> list[dict[str, object]]:
    """One row per grant with the documented open-data fields; the schemes add the focus area
    and project title (``SchemeParts.public_details``), one query per scheme."""
    from .registry import scheme_parts

    details: dict[int, dict[str, str]] = {}
    for code in {grant.scheme_code for grant in grants}:
        try:
            reader = scheme_parts(scheme_code=code).public_details
        except LookupError:
            reader = None
        if reader is not None:
            details.update(reader([g for g in grants if g.scheme_code == code]))
    return [
        {
            "year": grant.scheme_year.year,
            "scheme": grant.scheme_year.scheme.code,
            "scheme_name": grant.scheme_year.scheme.name,
            "case_number": grant.case_number,
            "recipient": grant.organisation.name,
            "organisation_number": grant.organisation.organisation_number or "",
            "focus_area": details.get(grant.pk, {}).get("focus_area", ""),
            "project_title": details.get(grant.pk, {}).get("project_title", ""),
            "amount": grant.amount,
        }
        for grant in grants
    ]
