"""Issue 11: the ministry's statistics per scheme and year, right on the hand-made world
(``conftest.py``), and an export (CSV with ``;``, XLSX) that says exactly what the page shows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import openpyxl
import pytest
from django.urls import reverse

from .conftest import K

pytestmark = pytest.mark.django_db


def tables_for(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("oversight:statistics"), query)
    assert response.status_code == 200
    return response, {table.key: table for table in response.context["tables"]}


def rows(table) -> dict[str, dict]:
    return {row.label if not row.is_total else "TOTAL": row.values for row in table.rows}


def test_the_development_round_by_focus_area_and_county(client, world):
    _response, tables = tables_for(client, world.staff, scheme="development", year=2025)
    assert list(tables) == ["focus_area", "county", "reports"]
    areas = list(tables["focus_area"].rows)
    assert len(areas) == 6, "five areas and the total"
    one, two, _three, _four, five, total = (row.values for row in areas)
    assert one == {
        "applications": 3,
        "awards": 2,
        "refusals": 0,
        "dismissals": 1,
        "applied": 710 * K,
        "awarded": 500 * K,
        "participants_planned": 32,
        "participants_reported": 11,
    }
    assert two == {
        "applications": 3,
        "awards": 0,  # Drammen's grant lapsed
        "refusals": 1,
        "dismissals": 1,
        "applied": 300 * K,
        "awarded": 0,
        "participants_planned": 0,
        "participants_reported": 0,
    }
    assert five["applications"] == 1 and five["applied"] == 50 * K
    assert total == {
        "applications": 7,  # the draft is no application yet
        "awards": 2,
        "refusals": 1,
        "dismissals": 2,
        "applied": 1_060 * K,
        "awarded": 500 * K,
        "participants_planned": 32,
        "participants_reported": 11,
    }
    counties = rows(tables["county"])
    assert list(counties) == ["Buskerud", "Vestland", "TOTAL"]
    assert counties["Buskerud"]["applications"] == 4
    assert counties["Buskerud"]["applied"] == 820 * K
    assert counties["Vestland"] == {
        "applications": 3,
        "awards": 0,
        "refusals": 1,
        "dismissals": 2,
        "applied": 240 * K,
        "awarded": 0,
        "participants_planned": 0,
        "participants_reported": 0,
    }
    assert counties["TOTAL"] == total


def test_reports_on_time_counts_the_day_in_oslo(client, world):
    _response, tables = tables_for(client, world.staff, scheme="development", year=2025)
    reports = list(tables["reports"].rows)
    status, annual, total = (row.values for row in reports)
    # Drammen's, submitted at 23:30 on the due day: on time. Vestland's, at 00:30 the day
    # after in Oslo (still the due day in UTC): late. Drammen's annual report, due next week:
    # not counted yet.
    assert status == {"reports": 2, "submitted": 2, "on_time": 1, "share_on_time": Decimal("50.0")}
    assert annual == {"reports": 1, "submitted": 0, "on_time": 0, "share_on_time": Decimal("0.0")}
    assert total["share_on_time"] == Decimal("33.3")


def test_the_reception_grant_places_and_amounts_per_municipality(client, world):
    _response, tables = tables_for(client, world.staff, scheme="reception", year=2024)
    assert list(tables) == ["municipality", "reports"]
    municipalities = list(tables["municipality"].rows)
    assert [(row.values["places"], row.values["awarded"]) for row in municipalities] == [
        (30, 0),  # Bergen: offered; 35 places only from 2025
        (60, Decimal(1_413_060)),  # Drammen: 60 places from July
        (20, 0),  # Lier: the grant lapsed
        (110, Decimal(1_413_060)),
    ]
    assert municipalities[0].label.startswith("Bergen kommune")
    drammen = municipalities[1].values
    assert drammen["paid"] == Decimal(1_413_060)
    assert drammen["participants_reported"] == 45, "the latest report"
    reports = rows(tables["reports"])
    assert reports["TOTAL"] == {
        "reports": 2,
        "submitted": 2,
        "on_time": 1,
        "share_on_time": Decimal("50.0"),
    }


def _page_rows(tables) -> list[list[str]]:
    keys: list[str] = []
    for table in tables:
        keys += [c.key for c in table.columns if c.key not in keys]
    return [
        [
            table.key,
            row.label,
            *("" if row.values.get(k) is None else str(row.values[k]) for k in keys),
        ]
        for table in tables
        for row in table.rows
    ]


@pytest.mark.parametrize(("scheme", "year"), [("development", 2025), ("reception", 2024)])
def test_the_export_is_what_the_page_shows(client, world, scheme, year):
    response, _tables = tables_for(client, world.staff, scheme=scheme, year=year)
    shown = _page_rows(response.context["tables"])
    page = response.content.decode()
    for row in response.context["tables"][0].rows:
        assert row.label in page

    csv_response = client.get(
        reverse("oversight:statistics_export", args=["csv"]), {"scheme": scheme, "year": year}
    )
    assert csv_response.status_code == 200
    assert f"statistikk-{scheme}-{year}.csv" in csv_response["Content-Disposition"]
    exported = list(csv.reader(io.StringIO(csv_response.content.decode()), delimiter=";"))
    assert exported[0][:2] == ["table", "group"]
    assert exported[1:] == shown

    xlsx_response = client.get(
        reverse("oversight:statistics_export", args=["xlsx"]), {"scheme": scheme, "year": year}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert [_same(v) for v in cells[0]] == [_same(v) for v in exported[0]]
    assert [[_same(v) for v in row] for row in cells[1:]] == [
        [_same(v) for v in row] for row in shown
    ]


def _same(value: object) -> object:
    """A cell as a number where it is one, so that 12, 12.0 and "12" compare equal."""
    if value is None or value == "":
        return ""
    try:
        return Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
