"""Each eligibility rule of Rundskriv 08-2025, with the Norwegian message an applicant sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from applications.development.models import FundingYear
from applications.development.rules import application_checklist, application_problems
from applications.development.services import application_create
from imdi_grants.accounts.models import MembershipRole
from imdi_grants.lib.workflow import DomainError
from tests.factories import ApplicationFactory, CountyMunicipalityFactory, MembershipFactory

from .conftest import area, make_complete

pytestmark = pytest.mark.django_db


def messages(application):
    return [problem.message for problem in application_problems(application=application)]


def test_a_complete_application_meets_every_rule(complete):
    assert messages(complete) == []
    assert all(result.ok for result in application_checklist(application=complete))


def test_an_empty_draft_lists_what_is_missing(draft):
    found = messages(draft)
    assert "Fyll ut «Prosjekttittel» (rundskrivet, «Slik søker dere»)." in found
    assert (
        "Vis til minst ett tidligere prosjekt av god kvalitet i feltet (rundskrivet, «Vilkår for "
        "å få tilskudd»)." in found
    )


def test_area_4_is_refused_to_a_municipality(seeded, municipality):
    application = make_complete(
        ApplicationFactory(focus_area=area(4), organisation=municipality, regional_dialogue="x")
    )
    assert messages(application) == [
        "Bare fylkeskommuner kan søke under satsingsområde 4 (rundskrivet, «Tilskuddsmottakere»)."
    ]


def test_area_4_is_allowed_to_buskerud_fylkeskommune(seeded):
    buskerud = CountyMunicipalityFactory(name="Buskerud fylkeskommune", county_number="33")
    application = make_complete(
        ApplicationFactory(
            focus_area=area(4),
            organisation=buskerud,
            regional_dialogue="Tett dialog med kommunene, politiet, Skatteetaten og Nav.",
        )
    )
    assert messages(application) == []


def test_area_1_is_refused_to_a_county_municipality(seeded):
    application = make_complete(
        ApplicationFactory(focus_area=area(1), organisation=CountyMunicipalityFactory())
    )
    assert messages(application) == [
        "Bare kommuner kan søke under satsingsområde 1 (rundskrivet, «Tilskuddsmottakere»)."
    ]


def test_area_3_is_not_in_this_round(seeded, municipality):
    application = make_complete(ApplicationFactory(focus_area=area(3), organisation=municipality))
    assert messages(application) == [
        "Satsingsområde 3 er ikke med i denne søknadsrunden (rundskrivet, «Satsingsområder i "
        "ordningen»)."
    ]


def test_a_municipality_cannot_even_start_an_area_4_application(
    seeded, municipality, applicant, time_machine
):
    time_machine.move_to(dt.datetime(2025, 2, 1, 12, tzinfo=dt.UTC))
    with pytest.raises(DomainError) as exc:
        application_create(organisation=municipality, focus_area=area(4), by=applicant)
    assert str(exc.value) == (
        "Bare fylkeskommuner kan søke under satsingsområde 4 (rundskrivet, «Tilskuddsmottakere»)."
    )
    buskerud = CountyMunicipalityFactory(name="Buskerud fylkeskommune", county_number="33")
    person = MembershipFactory(organisation=buskerud, role=MembershipRole.APPLICANT).user
    application = application_create(organisation=buskerud, focus_area=area(4), by=person)
    assert application.is_draft


def test_nine_participants_are_refused(complete):
    complete.participants = 9
    assert messages(complete) == [
        "Prosjektet må ha minst ti deltakere (rundskrivet, «Vilkår for å få tilskudd»)."
    ]
    complete.participants = 10
    assert messages(complete) == []


def test_zero_own_contribution_is_refused(complete):
    FundingYear.objects.filter(application=complete, year_number=2).update(
        own_contribution=0, other_funding=100000
    )
    assert messages(complete) == [
        "Søkeren må bidra med egenandel i prosjektår 2 (rundskrivet, «Vilkår for å få tilskudd»)."
    ]


def test_four_years_are_refused(complete):
    complete.project_years = 4
    assert (
        "Prosjektperioden må være fra ett til tre år (rundskrivet, «Samlet tilskuddsramme»)."
        in messages(complete)
    )
    complete.project_years = 0
    assert (
        "Prosjektperioden må være fra ett til tre år (rundskrivet, «Samlet tilskuddsramme»)."
        in messages(complete)
    )


def test_a_budget_that_does_not_balance_is_refused(complete):
    FundingYear.objects.filter(application=complete, year_number=1).update(amount_applied=300000)
    assert messages(complete) == [
        "Budsjettet for prosjektår 1 går ikke opp: kostnader 500\xa0000\xa0kr, finansiering "
        "400\xa0000\xa0kr (rundskrivet, «Slik søker dere»)."
    ]


def with_entrepreneur(application):
    application.has_social_entrepreneur = True
    application.entrepreneur_name = "Gründerhuset AS"
    application.entrepreneur_form = "as"
    application.entrepreneur_organisation_number = "974760673"
    application.entrepreneur_business_model = "Salg av tjenester til kommuner"
    application.entrepreneur_no_dividends = True
    return application


class TestParticipantAllowance:
    """Deltakerstønad: participants × months × amount, at most 1 G per participant per year, with
    the G in force on each day of the project year (1 August 2025 to 31 July 2026: NOK 130,160
    throughout, the last G known)."""

    def test_exactly_1_g_is_allowed(self, complete):
        with_entrepreneur(complete)
        complete.allowance_participants = 10
        complete.allowance_months = 10
        complete.allowance_monthly_amount = Decimal(13016)
        assert complete.allowance_per_year == Decimal(1301600)
        assert messages(complete) == []

    def test_above_1_g_is_refused(self, complete):
        with_entrepreneur(complete)
        complete.allowance_participants = 10
        complete.allowance_months = 10
        complete.allowance_monthly_amount = Decimal(13017)
        assert messages(complete) == [
            "Deltakerstønaden kan være høyst 1 G per deltaker per år: i prosjektår 1 "
            "(01.08.2025–31.07.2026) er det 130\xa0160\xa0kr, med hver G regnet for dagene den "
            "gjelder; dere har satt opp 130\xa0170\xa0kr (rundskrivet, «Satsingsområde 1, særlige "
            "vilkår»)."
        ]


def test_a_social_entrepreneur_must_forbid_dividends(complete):
    complete.has_social_entrepreneur = True
    complete.entrepreneur_name = "Gründerhuset AS"
    complete.entrepreneur_form = "as"
    complete.entrepreneur_organisation_number = "974760673"
    complete.entrepreneur_business_model = "Salg av tjenester til kommuner"
    complete.entrepreneur_no_dividends = False
    assert messages(complete) == [
        "Den sosiale entreprenøren må ha vedtektsfestet at det ikke skal tas ut utbytte "
        "(rundskrivet, «Satsingsområde 1, særlige vilkår»)."
    ]
    complete.entrepreneur_no_dividends = True
    assert messages(complete) == []


def test_area_2_must_be_supportive_not_treatment(seeded, municipality):
    application = make_complete(
        ApplicationFactory(
            focus_area=area(2),
            organisation=municipality,
            local_characteristics="Lavterskel møteplass",
            interdisciplinary_cooperation="Helsestasjon og flyktningtjeneste",
        )
    )
    assert messages(application) == [
        "Tiltaket må være støttende eller forebyggende, ikke behandling (rundskrivet, "
        "«Satsingsområde 2, særskilte vilkår»)."
    ]


def test_the_declarations_must_be_made(complete):
    complete.declares_no_ordinary_operation = False
    complete.exemption_status = ""
    assert messages(complete) == [
        "Bekreft at midlene ikke skal finansiere ordinær drift (rundskrivet, «Vilkår for å få "
        "tilskudd»).",
        "Oppgi om prosjektet trenger unntak etter integreringsloven § 38 (rundskrivet, «Vilkår "
        "for å få tilskudd»).",
    ]
