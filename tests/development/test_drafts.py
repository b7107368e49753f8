"""The form saves a draft at every step; nothing typed is ever lost, also when it is invalid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.development.models import Application

from .conftest import area

pytestmark = pytest.mark.django_db


def step_url(application, step):
    return reverse("development:step", args=[application.pk, step])


BUDGET_INPUT = {
    "participants": "ti",  # not a number
    "prioritised_groups": "Nyankomne kvinner",
    "project_start": "2025-08-01",
    "project_years": "2",
    "funding-TOTAL_FORMS": "3",
    "funding-INITIAL_FORMS": "3",
    "funding-0-year_number": "1",
    "funding-0-amount_applied": "400000",
    "funding-0-own_contribution": "mye",  # not a number
    "funding-0-other_funding": "",
    "funding-1-year_number": "2",
    "funding-1-amount_applied": "400000",
    "funding-1-own_contribution": "100000",
    "funding-1-other_funding": "",
    "funding-2-year_number": "3",
    "funding-2-amount_applied": "",
    "funding-2-own_contribution": "",
    "funding-2-other_funding": "",
    "lines-TOTAL_FORMS": "2",
    "lines-INITIAL_FORMS": "0",
    "lines-0-year_number": "1",
    "lines-0-description": "Prosjektleder 50 %",
    "lines-0-amount": "500000",
    "lines-1-year_number": "2",
    "lines-1-description": "Prosjektleder 50 %",
    "lines-1-amount": "500000",
}


def test_a_draft_survives_a_validation_error_with_every_field_kept(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(step_url(draft, "budget"), {**BUDGET_INPUT, "next": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Utkastet er lagret, men noen felt må rettes" in page
    assert 'value="ti"' in page and 'value="mye"' in page

    # What validated is saved on the application; the rest is kept as typed.
    application = Application.objects.get(pk=draft.pk)
    assert application.prioritised_groups == "Nyankomne kvinner"
    assert application.project_start == dt.date(2025, 8, 1)
    assert application.project_years == 2
    assert application.participants is None
    assert application.draft_input["budget"]["participants"] == ["ti"]

    # Leave and come back: every field is there as typed, with its error.
    client.logout()
    client.force_login(applicant)
    page = client.get(step_url(draft, "budget")).content.decode()
    for value in ("ti", "mye", "Nyankomne kvinner", "Prosjektleder 50 %", "400000", "500000"):
        assert f'value="{value}"' in page or f"{value}</textarea>" in page, value
    assert "Oppgi et heltall." in page

    # Corrected, it is saved and the kept input is dropped.
    fixed = {**BUDGET_INPUT, "participants": "12", "funding-0-own_contribution": "100000"}
    response = client.post(step_url(draft, "budget"), {**fixed, "next": "1"})
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "partners")
    application = Application.objects.get(pk=draft.pk)
    assert application.participants == 12
    assert application.draft_input == {}
    assert [(r.year_number, r.own_contribution) for r in application.funding_years.all()] == [
        (1, Decimal(100000)),
        (2, Decimal(100000)),
    ]
    assert application.budget_lines.count() == 2


def test_each_step_saves_and_moves_on(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(
        step_url(draft, "basics"),
        {
            "title": "Språk og arbeid",
            "summary": "Kort",
            "goals": "",
            "target_group": "",
            "next": "1",
        },
    )
    assert response["Location"] == step_url(draft, "description")
    response = client.post(step_url(draft, "description"), {"activities": "Kurs", "save": "1"})
    assert response["Location"] == step_url(draft, "description")
    application = Application.objects.get(pk=draft.pk)
    assert (application.title, application.summary, application.activities) == (
        "Språk og arbeid",
        "Kort",
        "Kurs",
    )


def test_the_checklist_is_shown_on_every_step(client, draft, applicant):
    client.force_login(applicant)
    for step in ("basics", "description", "budget", "partners", "area", "declarations"):
        page = client.get(step_url(draft, step)).content.decode()
        assert "Sjekkliste før innsending" in page, step
        assert "Prosjektet må ha minst ti deltakere" in page, step


def test_an_invalid_organisation_number_is_kept_as_typed(client, draft, applicant):
    client.force_login(applicant)
    client.post(
        step_url(draft, "area"),
        {
            "has_social_entrepreneur": "on",
            "entrepreneur_name": "Gründerhuset",
            "entrepreneur_organisation_number": "123456789",
        },
    )
    application = Application.objects.get(pk=draft.pk)
    assert application.entrepreneur_name == "Gründerhuset"
    assert application.entrepreneur_organisation_number == ""
    page = client.get(step_url(draft, "area")).content.decode()
    assert 'value="123456789"' in page
    assert "er ikke et gyldig organisasjonsnummer" in page


def test_an_applicant_starts_an_application_in_the_open_round(
    client, seeded, applicant, time_machine
):
    time_machine.move_to(dt.datetime(2025, 2, 1, 12, tzinfo=dt.UTC))
    client.force_login(applicant)
    page = client.get(reverse("development:create")).content.decode()
    assert "Bare fylkeskommuner" in page  # area 4, shown with who may apply
    response = client.post(
        reverse("development:create"),
        {"organisation": applicant.memberships.get().organisation_id, "focus_area": area(4).pk},
    )
    assert response.status_code == 200  # area 4 is not offered to a municipality
    assert not Application.objects.exists()
    response = client.post(
        reverse("development:create"),
        {"organisation": applicant.memberships.get().organisation_id, "focus_area": area(1).pk},
    )
    application = Application.objects.get()
    assert response["Location"] == step_url(application, "basics")
    assert (application.focus_area.number, application.created_by) == (1, applicant)
