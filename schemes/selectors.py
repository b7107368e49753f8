"""Reads of the yearly configuration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from imdi_grants.accounts.models import Organisation
from imdi_grants.lib.deadlines import today_in_oslo

from .models import BasicAmount, FocusArea, SchemeCode, SchemeYear


def scheme_year_get(*, scheme_code: str, year: int) -> SchemeYear | None:
    return (
        SchemeYear.objects.select_related("scheme")
        .filter(scheme__code=scheme_code, year=year)
        .first()
    )


def rounds_open(*, on: dt.date | None = None) -> QuerySet[SchemeYear]:
    """Development-grant rounds that take applications on ``on`` (default: today in Oslo)."""
    day = on or today_in_oslo()
    return (
        SchemeYear.objects.select_related("scheme")
        .filter(scheme__code=SchemeCode.DEVELOPMENT, application_deadline__gte=day)
        .filter(Q(application_opens_on__isnull=True) | Q(application_opens_on__lte=day))
        .prefetch_related(Prefetch("focus_areas", queryset=FocusArea.objects.order_by("number")))
        .order_by("application_deadline")
    )


def basic_amount_on(*, on: dt.date) -> Decimal:
    """G in force on a date; raises LookupError when none is configured that early."""
    basic = BasicAmount.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    if basic is None:
        raise LookupError(f"No basic amount (G) configured on {on}")
    return basic.amount


def focus_area_is_open_to(focus_area: FocusArea, organisation: Organisation) -> bool:
    """Whether an organisation may apply under a focus area (area 4: county municipalities only;
    areas 1, 2, 5: municipalities; a closed area: nobody)."""
    if not focus_area.is_open:
        return False
    return (focus_area.open_to_municipalities and organisation.is_municipality) or (
        focus_area.open_to_county_municipalities and organisation.is_county_municipality
    )


def focus_areas_open_to(*, scheme_year: SchemeYear, organisation: Organisation) -> list[FocusArea]:
    return [
        area
        for area in scheme_year.focus_areas.order_by("number")
        if focus_area_is_open_to(area, organisation)
    ]


def scheme_years_overview() -> QuerySet[SchemeYear]:
    return SchemeYear.objects.select_related("scheme").order_by("scheme__code", "-year")
