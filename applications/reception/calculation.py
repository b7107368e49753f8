"""The integration reception grant by month: places in force × the year's rate per place.

When the number of places changes mid-month the month is paid pro rata by days: a change to 60
places on 16 March gives 15 days at the old count and 16 days at 60, of March's 31 days.
Each month is rounded to whole kroner; the year is the sum of the months, so the breakdown the
municipality sees adds up to the amount in the letter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from imdi_grants.lib.money import to_kroner


@dataclass(frozen=True)
class PlacePeriod:
    """A number of places in force from a date (inclusive) until the next period starts."""

    valid_from: dt.date
    places: int


@dataclass(frozen=True)
class MonthLine:
    year: int
    month: int
    place_days: int
    days: int
    amount: Decimal

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def average_places(self) -> Decimal:
        return (Decimal(self.place_days) / Decimal(self.days)).quantize(Decimal("0.01"))


def places_on(periods: list[PlacePeriod], day: dt.date) -> int:
    current = 0
    for period in periods:
        if period.valid_from <= day:
            current = period.places
        else:
            break
    return current


def monthly_breakdown(
    *,
    year: int,
    rate_per_place_per_month: Decimal,
    periods: Iterable[PlacePeriod],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[MonthLine]:
    """One line per month of ``year``; days outside the agreement (start–end) count no places."""
    ordered = sorted(periods, key=lambda p: p.valid_from)
    lines = []
    for month in range(1, 13):
        days = calendar.monthrange(year, month)[1]
        place_days = 0
        for day_number in range(1, days + 1):
            day = dt.date(year, month, day_number)
            if (start and day < start) or (end and day > end):
                continue
            place_days += places_on(ordered, day)
        amount = to_kroner(Decimal(rate_per_place_per_month) * place_days / days)
        lines.append(
            MonthLine(year=year, month=month, place_days=place_days, days=days, amount=amount)
        )
    return lines


def yearly_amount(lines: Iterable[MonthLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0"))
