"""The yearly configuration: 2024 rate, 2025 deadline in Oslo time, eligibility, the lock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from imdi_grants.lib.deadlines import end_of_day, is_before_deadline
from schemes.models import FocusArea, FocusAreaKind, SchemeCode, SchemeYear
from schemes.selectors import (
    basic_amount_on,
    focus_area_is_open_to,
    rounds_open,
    scheme_year_get,
)
from schemes.services import demo_years_configure, scheme_year_assert_editable, schemes_seed
from tests.factories import CountyMunicipalityFactory, MunicipalityFactory

UTC = dt.UTC


def test_the_2024_reception_rate(seeded):
    year = scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2024)
    assert year.rate_per_place_per_month == Decimal("2141")
    assert year.acceptance_window_days == 14
    assert year.scheme.budget_chapter == "671" and year.scheme.budget_post == "62"


def test_the_2025_development_round(seeded):
    year = scheme_year_get(scheme_code=SchemeCode.DEVELOPMENT, year=2025)
    assert year.application_deadline == dt.date(2025, 2, 19)
    assert year.budget_frame == Decimal("51500000")
    deadlines = {d.kind: d.due_date for d in year.report_deadlines.all()}
    assert deadlines == {"status": dt.date(2025, 9, 1), "annual": dt.date(2026, 2, 1)}
    # End of day, Norwegian time (CET in February: UTC+1).
    assert year.application_deadline_at == dt.datetime(
        2025, 2, 19, 23, 59, 59, tzinfo=ZoneInfo("Europe/Oslo")
    )
    assert end_of_day(year.application_deadline) == dt.datetime(2025, 2, 19, 23, 0, tzinfo=UTC)


def test_the_deadline_holds_to_the_last_second_in_oslo(seeded):
    deadline = scheme_year_get(scheme_code=SchemeCode.DEVELOPMENT, year=2025).application_deadline
    last_second = dt.datetime(2025, 2, 19, 23, 59, 59, tzinfo=ZoneInfo("Europe/Oslo"))
    midnight = dt.datetime(2025, 2, 20, 0, 0, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    assert is_before_deadline(deadline, at=last_second)
    assert not is_before_deadline(deadline, at=midnight)
    # 23:30 UTC on the 19th is already the 20th in Oslo.
    assert not is_before_deadline(deadline, at=dt.datetime(2025, 2, 19, 23, 30, tzinfo=UTC))


def test_the_2025_round_is_open_only_until_its_deadline(seeded):
    years = lambda day: [y.year for y in rounds_open(on=day)]  # noqa: E731
    assert 2025 in years(dt.date(2025, 2, 19))
    assert 2025 not in years(dt.date(2025, 2, 20))


def test_area_4_is_for_county_municipalities_only(seeded):
    year = scheme_year_get(scheme_code=SchemeCode.DEVELOPMENT, year=2025)
    areas = {a.number: a for a in year.focus_areas.all()}
    municipality = MunicipalityFactory()
    county = CountyMunicipalityFactory()
    assert not focus_area_is_open_to(areas[4], municipality)
    assert focus_area_is_open_to(areas[4], county)
    for number in (1, 2, 5):
        assert focus_area_is_open_to(areas[number], municipality)
        assert not focus_area_is_open_to(areas[number], county)
    # Area 3 is governed by a separate circular: closed to all in this round.
    assert not focus_area_is_open_to(areas[3], municipality)
    assert not focus_area_is_open_to(areas[3], county)


def test_basic_amount_by_date(seeded):
    assert basic_amount_on(on=dt.date(2025, 4, 30)) == Decimal("124028")
    assert basic_amount_on(on=dt.date(2025, 5, 1)) == Decimal("130160")
    with pytest.raises(LookupError):
        basic_amount_on(on=dt.date(2024, 4, 30))


def test_seeding_twice_keeps_an_administrators_change(seeded):
    SchemeYear.objects.filter(year=2024).update(rate_per_place_per_month=Decimal("2200"))
    schemes_seed()
    assert SchemeYear.objects.get(year=2024).rate_per_place_per_month == Decimal("2200")
    assert FocusArea.objects.count() == 5


def test_demo_years_carry_the_last_official_year_forward(seeded):
    made = demo_years_configure(today=dt.date(2026, 11, 23))
    assert sorted((y.scheme.code, y.year) for y in made) == [
        ("development", 2026),
        ("development", 2027),
        ("reception", 2026),
        ("reception", 2027),
    ]
    demo = scheme_year_get(scheme_code=SchemeCode.DEVELOPMENT, year=2027)
    assert demo.is_demo
    assert demo.application_deadline == dt.date(2027, 2, 19)
    assert [(a.number, a.kind) for a in demo.focus_areas.order_by("number")] == [
        (1, FocusAreaKind.INNOVATION),
        (2, FocusAreaKind.PSYCHOLOGICAL_SUPPORT),
        (3, FocusAreaKind.VOCATIONAL_COOPERATION),
        (4, FocusAreaKind.WELCOME_SERVICES),
        (5, FocusAreaKind.DIVERSITY),
    ]
    assert demo.report_deadlines.get(kind="status").due_date == dt.date(2027, 9, 1)
    assert (
        scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2027).rate_per_place_per_month
        == 2141
    )
    assert demo_years_configure(today=dt.date(2026, 11, 23)) == []


def test_a_past_year_with_letters_cannot_change(seeded):
    year = scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2024)
    scheme_year_assert_editable(scheme_year=year, today=dt.date(2026, 1, 1))  # no letters yet
    SchemeYear.objects.filter(pk=year.pk).update(letters_issued_at=timezone.now())
    with pytest.raises(ValidationError) as info:
        scheme_year_assert_editable(scheme_year=year, today=dt.date(2026, 1, 1))
    assert info.value.code == "scheme_year_locked"
    # In the year itself, what no letter states stays editable; the rate is frozen (issue 8).
    scheme_year_assert_editable(scheme_year=year, changed=["circular"], today=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError) as info:
        scheme_year_assert_editable(
            scheme_year=year, changed=["rate_per_place_per_month"], today=dt.date(2024, 6, 1)
        )
    assert info.value.code == "scheme_year_frozen"


def test_the_admin_refuses_the_change_with_a_clear_message(seeded, client, administrator):
    year = scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2024)
    SchemeYear.objects.filter(pk=year.pk).update(letters_issued_at=timezone.now())
    client.force_login(administrator)
    url = reverse("admin:schemes_schemeyear_change", args=[year.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "scheme": year.scheme_id,
        "year": 2024,
        "circular": year.circular,
        "rate_per_place_per_month": "9999",
        "acceptance_window_days": 14,
        "assessors_per_application": 2,
        "score_spread_limit": 4,
        "grant_letter_target_date": "2024-02-29",
        "report_deadlines-TOTAL_FORMS": 0,
        "report_deadlines-INITIAL_FORMS": 0,
        "focus_areas-TOTAL_FORMS": 0,
        "focus_areas-INITIAL_FORMS": 0,
        "payment_terms-TOTAL_FORMS": 0,
        "payment_terms-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "2024 er et tidligere år" in response.content.decode()
    year.refresh_from_db()
    assert year.rate_per_place_per_month == Decimal("2141")


def test_the_admin_saves_an_open_year_with_an_audit_entry(seeded, client, administrator):
    from imdi_grants.audit.selectors import audit_entries_for

    year = scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2024)
    client.force_login(administrator)
    url = reverse("admin:schemes_schemeyear_change", args=[year.pk])
    data = {
        "scheme": year.scheme_id,
        "year": 2024,
        "circular": year.circular,
        "rate_per_place_per_month": "2150",
        "acceptance_window_days": 14,
        "assessors_per_application": 2,
        "score_spread_limit": 4,
        "grant_letter_target_date": "2024-02-29",
        "report_deadlines-TOTAL_FORMS": 0,
        "report_deadlines-INITIAL_FORMS": 0,
        "focus_areas-TOTAL_FORMS": 0,
        "focus_areas-INITIAL_FORMS": 0,
        "payment_terms-TOTAL_FORMS": 0,
        "payment_terms-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    year.refresh_from_db()
    assert year.rate_per_place_per_month == Decimal("2150")
    entry = audit_entries_for(subject=year).get()
    assert entry.actor == administrator
    assert "rate_per_place_per_month" in entry.data["fields"]


def test_only_an_administrator_saves_a_year(seeded, caseworker):
    from imdi_grants.lib.workflow import DomainError
    from schemes.services import scheme_year_save

    year = scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2024)
    year.circular = "Endret"
    with pytest.raises(DomainError):
        scheme_year_save(scheme_year=year, by=caseworker, changed=["circular"])


def test_the_admin_refuses_area_budgets_beyond_the_frame(seeded, client, administrator):
    """Issue 9: an area budget above the frame was accepted."""
    from django.forms.models import model_to_dict

    year = scheme_year_get(scheme_code=SchemeCode.DEVELOPMENT, year=2025)
    client.force_login(administrator)
    url = reverse("admin:schemes_schemeyear_change", args=[year.pk])
    areas = list(year.focus_areas.order_by("number"))
    data = {
        key: value
        for key, value in model_to_dict(year).items()
        if value is not None and key != "id"
    }
    data.update(
        {
            "report_deadlines-TOTAL_FORMS": 0,
            "report_deadlines-INITIAL_FORMS": 0,
            "payment_terms-TOTAL_FORMS": 0,
            "payment_terms-INITIAL_FORMS": 0,
            "focus_areas-TOTAL_FORMS": len(areas),
            "focus_areas-INITIAL_FORMS": len(areas),
        }
    )
    for n, area in enumerate(areas):
        for key, value in model_to_dict(area).items():
            if value is not None and value != "":
                data[f"focus_areas-{n}-{key}"] = value
        data[f"focus_areas-{n}-budget_amount"] = "20000000"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "51" in response.content.decode() and "100\xa0000\xa0000" in response.content.decode()
    assert not year.focus_areas.filter(budget_amount__isnull=False).exists()
    for n in range(len(areas)):
        data[f"focus_areas-{n}-budget_amount"] = "10000000"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert year.focus_areas.filter(budget_amount=10000000).count() == len(areas)
