"""Issue 10: the appeal deadline, three weeks from receipt, over weekends and public holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from imdi_grants.lib.deadlines import appeal_deadline


@pytest.mark.parametrize(
    ("received", "deadline", "why"),
    [
        (dt.date(2025, 3, 4), dt.date(2025, 3, 25), "a Tuesday three weeks later"),
        (dt.date(2025, 3, 8), dt.date(2025, 3, 31), "a Saturday moves to Monday"),
        (dt.date(2025, 3, 9), dt.date(2025, 3, 31), "a Sunday moves to Monday"),
        (dt.date(2025, 3, 27), dt.date(2025, 4, 22), "Maundy Thursday → Easter Monday → Tuesday"),
        (dt.date(2025, 4, 26), dt.date(2025, 5, 19), "17 May is a Saturday; Monday 19 May"),
        (dt.date(2025, 5, 8), dt.date(2025, 5, 30), "Ascension Day (29 May) moves to Friday"),
        (dt.date(2025, 12, 5), dt.date(2025, 12, 29), "26 December is Friday: Monday 29th"),
        (dt.date(2025, 12, 11), dt.date(2026, 1, 2), "1 January: Friday 2 January"),
    ],
)
def test_the_deadline_moves_to_the_next_working_day(received, deadline, why):
    assert appeal_deadline(received) == deadline, why
