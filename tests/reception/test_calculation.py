"""The grant by month: places × rate, pro rata by days when places change mid-month."""

import datetime as dt
from decimal import Decimal

from applications.reception.calculation import PlacePeriod, monthly_breakdown, yearly_amount

RATE_2024 = Decimal("2141")


def test_fifty_places_all_of_2024():
    lines = monthly_breakdown(
        year=2024,
        rate_per_place_per_month=RATE_2024,
        periods=[PlacePeriod(dt.date(2024, 1, 1), 50)],
    )
    assert [line.amount for line in lines] == [Decimal("107050")] * 12
    assert yearly_amount(lines) == Decimal("1284600")


def test_a_change_of_places_from_july():
    lines = monthly_breakdown(
        year=2024,
        rate_per_place_per_month=RATE_2024,
        periods=[PlacePeriod(dt.date(2024, 1, 1), 50), PlacePeriod(dt.date(2024, 7, 1), 40)],
    )
    # 6 × 50 × 2141 + 6 × 40 × 2141
    assert yearly_amount(lines) == Decimal("1156140")


def test_a_change_mid_month_counts_by_days():
    lines = monthly_breakdown(
        year=2024,
        rate_per_place_per_month=RATE_2024,
        periods=[PlacePeriod(dt.date(2024, 1, 1), 50), PlacePeriod(dt.date(2024, 3, 16), 60)],
    )
    march = lines[2]
    # 15 days at 50 and 16 days at 60 of 31: 1710 place-days / 31 × 2141 = 118 100.32 → 118 100
    assert march.place_days == 15 * 50 + 16 * 60
    assert march.amount == Decimal("118100")
    assert lines[1].amount == Decimal("107050")
    assert lines[3].amount == Decimal("128460")
    assert yearly_amount(lines) == 2 * Decimal("107050") + Decimal("118100") + 9 * Decimal("128460")


def test_an_agreement_starting_mid_year_counts_from_its_start():
    lines = monthly_breakdown(
        year=2024,
        rate_per_place_per_month=RATE_2024,
        periods=[PlacePeriod(dt.date(2024, 9, 1), 20)],
        start=dt.date(2024, 9, 1),
    )
    assert yearly_amount(lines) == 4 * 20 * RATE_2024
