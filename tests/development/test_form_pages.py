"""The application form reads like a modern public-sector form: the steps as a progress indicator
in words, the checklist a line per step with the details behind a click, amounts typed as people
write them and shown right-aligned, a partner picker for 370 organisations, and forms that show
long work is under way. (The browser test drives the same pages in Chromium.)"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.development.models import FundingYear
from imdi_grants.lib.formfields import MoneyField, parse_kroner
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "kroner"),
    [
        ("300 000", 300000),
        ("300000", 300000),
        ("300 000,50", 300001),  # øre rounded half up, as in the state's accounts
        ("300000,50", 300001),
        ("300 000,49", 300000),
        ("300 000,00", 300000),
        ("300\u00a0000", 300000),
        ("1.250.000", 1250000),
        ("300 000 kr", 300000),
        ("kr 300 000", 300000),
        ("300 000,-", 300000),
        ("300000.50", 300001),
    ],
)
def test_money_is_read_as_people_type_it(typed, kroner):
    assert parse_kroner(typed) == Decimal(kroner)
    assert MoneyField().clean(typed) == Decimal(kroner)


@pytest.mark.parametrize("typed", ["ca. 100 000", "300,000", "12,345", "1.5000", "tre"])
def test_money_that_cannot_be_read_is_refused_with_a_clear_message(typed):
    with pytest.raises(ValueError):
        parse_kroner(typed)
    field = MoneyField()
    with pytest.raises(Exception) as exc:
        field.clean(typed)
    assert exc.value.messages == ["Oppgi et beløp i kroner, for eksempel 300 000 eller 300 000,50."]


def test_the_budget_step_takes_300_000_50_and_shows_it_with_spaces(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("development:step", args=[draft.pk, "budget"])
    response = client.post(
        url,
        {
            "project_years": "1",
            "funding-TOTAL_FORMS": "1",
            "funding-INITIAL_FORMS": "0",
            "funding-0-year_number": "1",
            "funding-0-amount_applied": "300 000,50",
            "funding-0-own_contribution": "1250000",
            "funding-0-other_funding": "",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
            "save": "1",
        },
    )
    assert response.status_code == 302
    row = FundingYear.objects.get(application=draft, year_number=1)
    assert (row.amount_applied, row.own_contribution) == (Decimal(300001), Decimal(1250000))
    page = client.get(url).content.decode()
    assert 'value="300 001"' in page and 'value="1 250 000"' in page
    assert 'inputmode="decimal"' in page and "data-money" in page
    assert re.search(r'<th scope="col" class="num">', page)


def test_the_steps_are_a_progress_indicator_in_words(client, complete, applicant):
    client.force_login(applicant)
    page = client.get(reverse("development:step", args=[complete.pk, "budget"])).content.decode()
    assert page.count('aria-current="step"') == 1
    current = page[page.index('aria-current="step"') - 300 : page.index('aria-current="step"')]
    assert 'data-state="current"' in current
    states = re.findall(r'data-state="(\w+)"', page)
    assert states == ["done", "done", "current", "done", "done", "done", "todo"]
    assert page.count(">Ferdig<") == 5 and ">Gjenstår<" in page and ">Du er her<" in page


def test_the_checklist_is_a_line_per_step_with_details_behind_a_click(client, draft, applicant):
    client.force_login(applicant)
    page = client.get(reverse("development:step", args=[draft.pk, "budget"])).content.decode()
    checklist = page[page.index('data-testid="checklist"') :]
    assert checklist.count('<details class="portal-checklist__details"') == 5
    assert checklist.count(" open>") == 1  # the current step's
    assert "4 mangler" in checklist


def test_start_a_new_application_is_a_button(client, municipality, applicant):
    client.force_login(applicant)
    page = client.get(reverse("development:list")).content.decode()
    create = reverse("development:create")
    assert f'<a class="ds-button" href="{create}">' in page


def test_amounts_are_right_aligned_in_the_summary(client, complete, applicant):
    client.force_login(applicant)
    page = client.get(reverse("development:detail", args=[complete.pk])).content.decode()
    assert '<td class="num">500\xa0000\xa0kr</td>' in page


def test_long_work_shows_it_is_under_way(client, complete, applicant, signatory):
    client.force_login(signatory)
    page = client.get(reverse("development:submit", args=[complete.pk])).content.decode()
    form = re.search(r"<form [^>]*data-busy[^>]*>", page)
    assert form is not None
    assert 'class="portal-busy-note" role="status"' in page
    client.force_login(applicant)
    page = client.get(reverse("development:submit", args=[complete.pk])).content.decode()
    assert re.search(r"<form [^>]*data-busy[^>]*>", page)  # the hand-over


def test_the_partner_picker_lists_every_organisation_as_a_checkbox(
    client, draft, applicant, other_municipality, django_assert_max_num_queries
):
    for number in range(30):
        MunicipalityFactory(name=f"Kommune {number:02}")
    draft.partners.add(other_municipality)
    client.force_login(applicant)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("development:step", args=[draft.pk, "partners"])).content
    page = page.decode()
    boxes = re.findall(r'<input class="ds-input" type="checkbox" name="partners" [^>]*>', page)
    assert len(boxes) == 31  # every organisation but the applicant's own
    assert "checked" in boxes[0]  # the chosen first
    # Works without JavaScript: the search field is hidden until the script shows it; the script
    # is a file (the Content-Security-Policy forbids inline scripts).
    assert re.search(r"<div [^>]*data-picker-search hidden>", page)
    assert re.search(r'<script src="[^"]*js/partner_picker\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    response = client.post(
        reverse("development:step", args=[draft.pk, "partners"]),
        {
            "partners": [str(other_municipality.pk)],
            "earlier-TOTAL_FORMS": "0",
            "earlier-INITIAL_FORMS": "0",
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert list(draft.partners.all()) == [other_municipality]
