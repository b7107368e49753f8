"""Issue 11: the dashboard shows a scheme year's money, statuses and deadlines, figured by the
database, right on a world whose every figure is known (``conftest.py``, 2 June 2025)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.assessment.selectors import frame_used
from applications.development.services import impartiality_declare
from tests.conftest import _with_totp
from tests.factories import CaseworkerFactory

from .conftest import K, day

pytestmark = pytest.mark.django_db


def board_for(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("oversight:dashboard"), query)
    assert response.status_code == 200
    return response, response.context["board"]


def test_the_development_round_money(client, world):
    _response, board = board_for(client, world.staff, scheme="development", year=2025)
    assert board.scheme_year == world.development
    totals = board.totals
    # This round's awards (300 000 + 200 000; the lapsed 100 000 is none) and the 2024
    # project's second year, awarded for 2025 (400 000).
    assert totals.awarded == 900 * K
    assert totals.committed == 250 * K, "2026 of Drammen's project; the lapsed one's is none"
    assert totals.paid == 350 * K
    assert totals.withheld == 20 * K
    assert totals.reclaimed == 10 * K, "decided reclaims only"
    assert board.planned_from_earlier == 500 * K, "Bergen's 2025, planned in 2024, not awarded"
    assert board.frame == Decimal(51_500_000)
    assert board.remaining == Decimal(51_500_000) - 900 * K - 500 * K
    # The same as the assessment's frame page counts what is used of the frame.
    assert board.remaining == board.frame - frame_used(scheme_year=world.development)


def test_the_money_by_focus_area_and_county(client, world):
    _response, board = board_for(client, world.staff, scheme="development", year=2025)
    areas = {row.focus_area.number if row.focus_area else None: row for row in board.areas}
    assert list(areas) == [1, 2, 3, 4, 5, None], "every area, then the earlier rounds' later years"
    one = areas[1]
    assert (one.figures.awarded, one.figures.committed, one.figures.paid) == (
        500 * K,
        250 * K,
        150 * K,
    )
    assert (one.figures.withheld, one.figures.reclaimed) == (20 * K, 10 * K)
    assert one.budget == 10_000 * K and one.remaining == 9_500 * K
    assert areas[2].figures.awarded == 0 and areas[2].remaining == 5_000 * K
    assert areas[None].figures.awarded == 400 * K and areas[None].figures.paid == 200 * K

    counties = {row.number: row for row in board.counties}
    assert set(counties) == {"33", "46"}
    assert counties["33"].name == "Buskerud"
    assert (counties["33"].figures.awarded, counties["33"].figures.paid) == (500 * K, 150 * K)
    assert (counties["46"].figures.awarded, counties["46"].figures.paid) == (400 * K, 200 * K)


def test_cases_and_grants_by_status(client, world):
    _response, board = board_for(client, world.staff, scheme="development", year=2025)
    cases = {row.code: row.count for row in board.case_statuses}
    assert cases == {
        "draft": 1,
        "submitted": 0,
        "in_assessment": 1,
        "dismissed": 2,
        "awarded": 3,
        "refused": 1,
    }
    grants = {row.code: row.count for row in board.grant_statuses if row.count}
    assert grants == {"accepted": 2, "letter_issued": 1, "lapsed": 1}


def test_deadlines_overdue_and_in_the_next_30_days_each_link_to_its_case(client, world):
    response, board = board_for(client, world.staff, scheme="development", year=2025)
    found = board.deadlines
    assert [(d.kind, d.due, d.case_number) for d in found.overdue] == [
        ("report", day("2025-05-20"), world.h1.case_number),
        ("acceptance", day("2025-05-30"), world.g2.case_number),
    ]
    assert [(d.kind, d.due, d.case_number) for d in found.upcoming] == [
        ("report", day("2025-06-10"), world.g1.case_number),
        # Opened on 22 May: three weeks later.
        ("dismissal_appeal", day("2025-06-12"), world.a4.case_number),
        ("payment", day("2025-06-20"), world.g1.case_number),
        # Sent on 26 May, never opened: received on 2 June, three weeks later.
        ("reaction_appeal", day("2025-06-23"), world.g1.case_number),
    ]
    assert [d.case_number for d in found.appeals_waiting] == [world.a8.case_number]
    links = {d.kind: d.url for d in found.upcoming}
    assert links["report"].startswith("/rapporter/")
    assert links["dismissal_appeal"] == reverse("assessment:case", args=[world.a4.pk])
    assert links["payment"] == reverse("grants:grant_detail", args=[world.g1.pk])
    assert links["reaction_appeal"] == reverse("grants:grant_money", args=[world.g1.pk])
    assert found.appeals_waiting[0].url == reverse("appeals:detail", args=[world.appeal_a8.pk])
    page = response.content.decode()
    for deadline in [*found.overdue, *found.upcoming, *found.appeals_waiting]:
        assert f'href="{deadline.url}"' in page


def test_a_conflicted_caseworker_does_not_see_those_cases_deadlines(client, world):
    conflicted = _with_totp(CaseworkerFactory())
    impartiality_declare(
        application=world.a1, by=conflicted, has_conflict=True, explanation="Min søster."
    )
    _response, board = board_for(client, conflicted, scheme="development", year=2025)
    cases = {d.case_number for d in [*board.deadlines.overdue, *board.deadlines.upcoming]}
    assert world.g1.case_number not in cases
    assert world.a4.case_number in cases, "the others' deadlines are there"
    assert board.totals.awarded == 900 * K, "the sums are the same for everyone"


def test_the_reception_grant(client, world):
    _response, board = board_for(client, world.staff, scheme="reception", year=2024)
    assert board.scheme_year == world.reception
    assert board.totals.awarded == Decimal(1_413_060), "Lier's lapsed grant is none"
    assert board.totals.paid == Decimal(1_413_060)
    assert board.areas == [] and not board.is_development
    assert {row.code: row.count for row in board.case_statuses} == {
        "offered": 1,
        "acceptance_letter_submitted": 0,
        "granted": 2,
    }
    assert [row.name for row in board.counties] == ["Buskerud"]


def test_the_charts_are_accessible_svg_beside_their_tables(client, world):
    response, board = board_for(client, world.staff, scheme="development", year=2025)
    page = response.content.decode()
    for chart in ("chart-areas", "chart-counties", "chart-deadlines"):
        svg = re.search(rf'<svg role="img" aria-labelledby="{chart}-title {chart}-desc"', page)
        assert svg, chart
        assert f'<title id="{chart}-title">' in page and f'<desc id="{chart}-desc">' in page
    assert 'data-testid="areas"' in page and 'data-testid="counties"' in page
    assert 'style="' not in page, "the Content-Security-Policy forbids inline styles"
    # The area chart's bars are the table's figures: area 1's awarded bar is the longest.
    rows = response.context["area_chart"].rows  # in the table's order: areas 1–5, earlier
    assert len(rows) == len(board.areas) == 6
    assert rows[0].bars[0].width == max(bar.width for row in rows for bar in row.bars)
    assert rows[1].bars[0].width == 0, "nothing awarded in area 2"
    assert 0 < rows[0].bars[1].width < rows[0].bars[0].width, "paid less than awarded"
    # The timeline: one deadline on each of four days, its table beside it.
    assert response.context["timeline_days"] == [
        (day("2025-06-10"), 1),
        (day("2025-06-12"), 1),
        (day("2025-06-20"), 1),
        (day("2025-06-23"), 1),
    ]
    assert len(response.context["timeline"].days) == 31
    assert 'data-testid="timeline-days"' in page


def test_the_staff_start_page_links_to_the_dashboard(client, world):
    client.force_login(world.staff)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("oversight:dashboard")}"' in page
