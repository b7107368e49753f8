"""Dates and deadlines in Europe/Oslo.

A deadline given as a date ("19 February 2025") runs to the end of that day in Norway: an action
at 23:59:59 Oslo time is in time, one at 00:00:00 the next day is late, whatever the server's
clock zone.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.utils import timezone

OSLO = ZoneInfo("Europe/Oslo")


def now_in_oslo() -> dt.datetime:
    return timezone.now().astimezone(OSLO)


def today_in_oslo() -> dt.date:
    return now_in_oslo().date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant *after* ``day`` in Oslo; a deadline on ``day`` is met while now < this."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=OSLO)


def is_before_deadline(day: dt.date, *, at: dt.datetime | None = None) -> bool:
    """True while ``at`` (default: now) is on or before ``day`` in Oslo."""
    return (at or timezone.now()) < end_of_day(day)


def last_moment(day: dt.date) -> dt.datetime:
    """23:59:59 on ``day`` in Oslo, for showing a deadline to people."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=OSLO)


#: When people are reminded of a deadline: 14 and 3 days before it, and the day after it was
#: missed (negative: after).
REMINDER_DAYS_BEFORE = (14, 3, -1)


def reminder_due(deadline: dt.date, *, today: dt.date) -> int | None:
    """Which reminder (days before the deadline; -1 the day after) is due ``today``, if any."""
    days = (deadline - today).days
    return days if days in REMINDER_DAYS_BEFORE else None


@functools.cache
def _public_holidays(year: int) -> frozenset[dt.date]:
    """Norway's public holidays of ``year`` (the ``holidays`` package), worked out once per
    process: a start page asks for a dozen appeal deadlines."""
    import holidays

    return frozenset(holidays.country_holidays("NO", years=year))


def is_working_day(day: dt.date) -> bool:
    """Not a Saturday, Sunday or Norwegian public holiday."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def appeal_deadline(received_on: dt.date, *, weeks: int = 3) -> dt.date:
    """The last day to appeal a decision received on ``received_on`` (fvl § 29: three weeks,
    counted under fvl § 30 with the Courts Act §§ 148–149): the period ends on the same weekday
    ``weeks`` later, and a last day on a Saturday, Sunday or public holiday moves to the next
    working day."""
    day = received_on + dt.timedelta(weeks=weeks)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
