"""The focus area's own part of the form and its special conditions follow the area's kind in the
year's configuration, never its number: a later circular may number the areas differently."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from applications.development.forms import step_form_class
from applications.development.models import Application
from applications.development.rules import application_advice, application_problems
from applications.development.selectors import application_summary
from schemes.models import FocusArea, FocusAreaKind
from tests.factories import ApplicationFactory

from .conftest import area, make_complete

pytestmark = pytest.mark.django_db


def renumber(new_numbers: dict[int, int]) -> None:
    """Give the 2025 areas other numbers, as an administrator would in the configuration."""
    areas = FocusArea.objects.filter(
        scheme_year__year=2025, scheme_year__scheme__code="development"
    )
    ids = {focus_area.number: focus_area.pk for focus_area in areas}
    areas.update(number=F("number") + 100)  # free the numbers first: one per area and year
    for old, new in new_numbers.items():
        FocusArea.objects.filter(pk=ids[old]).update(number=new)


def outcome(application: Application) -> dict:
    """What the kind decides: the area step's fields, the problems by rule and step, and the
    summary's rows."""
    application = Application.objects.select_related("focus_area", "organisation").get(
        pk=application.pk
    )
    return {
        "form": list(step_form_class("area", application.focus_area.kind).base_fields),
        "problems": [(p.rule, p.step) for p in application_problems(application=application)],
        "advice": [(p.rule, p.step) for p in application_advice(application=application)],
        "summary": [
            (str(section["title"]), [row["label"] for row in section["rows"]])
            for section in application_summary(application=application)
        ],
    }


@pytest.fixture
def one_of_each(seeded, municipality):
    """An application under each area, each with something its own area's rules refuse or
    advise against."""
    over_1_g = {
        "allowance_participants": 10,
        "allowance_months": 12,
        "allowance_monthly_amount": Decimal(20000),
    }
    return [
        make_complete(
            ApplicationFactory(
                focus_area=area(1),
                organisation=municipality,
                has_social_entrepreneur=True,
                entrepreneur_name="Gründerhuset",
                **over_1_g,
            )
        ),
        make_complete(
            ApplicationFactory(
                focus_area=area(2),
                organisation=municipality,
                local_characteristics="Lavterskel møteplass",
                **over_1_g,
            )
        ),
        make_complete(ApplicationFactory(focus_area=area(4), organisation=municipality)),
        make_complete(
            ApplicationFactory(focus_area=area(5), organisation=municipality, plan_anchoring="x")
        ),
    ]


def test_renumbering_the_areas_changes_no_rule(one_of_each):
    before = [outcome(application) for application in one_of_each]
    assert [rules["problems"] for rules in before] == [
        [("participant_allowance", "area"), *[("social_entrepreneur", "area")] * 4],
        [("participant_allowance", "area"), ("area_specific", "area"), ("area_specific", "area")],
        [("focus_area", "basics")],
        [],
    ]
    # What the circular only recommends ("bør") is advice: welcome services' dialogue, the
    # diversity area's employee involvement.
    assert [rules["advice"] for rules in before] == [
        [],
        [],
        [("area_specific", "area")],
        [("area_specific", "area")],
    ]

    renumber({1: 3, 2: 1, 3: 2, 4: 5, 5: 4})

    assert [outcome(application) for application in one_of_each] == before
    # Only the number shown changes.
    welcome = application_problems(application=Application.objects.get(pk=one_of_each[2].pk))
    assert welcome[0].message == (
        "Bare fylkeskommuner kan søke under satsingsområde 5 (rundskrivet, «Tilskuddsmottakere»)."
    )


def test_the_area_step_shows_the_part_of_the_areas_kind(client, one_of_each, applicant):
    renumber({1: 2, 2: 1, 3: 3, 4: 4, 5: 5})
    innovation, support = one_of_each[0], one_of_each[1]
    assert FocusArea.objects.get(pk=support.focus_area_id).number == 1
    client.force_login(applicant)
    page = client.get(reverse("development:step", args=[support.pk, "area"])).content.decode()
    assert 'name="supportive_not_treatment"' in page
    assert 'name="has_social_entrepreneur"' not in page
    page = client.get(reverse("development:step", args=[innovation.pk, "area"])).content.decode()
    assert 'name="has_social_entrepreneur"' in page
    assert 'name="supportive_not_treatment"' not in page


def test_an_area_without_a_kind_has_no_part_of_its_own(seeded, municipality):
    FocusArea.objects.filter(pk=area(1).pk).update(kind="")
    application = make_complete(ApplicationFactory(focus_area=area(1), organisation=municipality))
    assert outcome(application)["form"] == []
    assert application_problems(application=application) == []
    assert FocusArea.objects.get(pk=area(2).pk).kind == FocusAreaKind.PSYCHOLOGICAL_SUPPORT
