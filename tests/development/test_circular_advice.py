"""Rules the circular does not make: where Rundskriv 08-2025 says "bør" (should), the checklist
gives advice and the assessor sees it, but the application is never refused for it. Conditions
that belong to one kind of project (Norwegian training, the social entrepreneur's participant
allowance) apply only to that kind, and the 1 G cap follows the G in force on each day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.development.models import Application, Status
from applications.development.rules import (
    allowance_cap,
    application_advice,
    application_checklist,
    application_problems,
)
from applications.development.services import application_submit
from tests.factories import ApplicationFactory, CountyMunicipalityFactory

from .conftest import IN_TIME, area, impartial, make_complete
from .test_rules import with_entrepreneur

pytestmark = pytest.mark.django_db


def problems(application):
    return [problem.message for problem in application_problems(application=application)]


def advice(application):
    return [item.message for item in application_advice(application=application)]


PLAN_ADVICE = (
    "Arbeidet bør gå inn som en del av kommunale plandokumenter, med konkrete tiltak; beskriv "
    "forankringen hvis den finnes. Det er ikke nødvendig å ha en handlingsplan for å søke "
    "(rundskrivet, «Satsingsområde 5, særlige vilkår»)."
)
EMPLOYEES_ADVICE = (
    "Tiltak rettet mot kommunen som arbeidsplass bør involvere de ansatte i utviklingen og "
    "gjennomføringen; beskriv hvordan (rundskrivet, «Satsingsområde 5»)."
)


@pytest.fixture
def diversity(seeded, municipality, applicant):
    """A complete area-5 application that says nothing of plans or employees."""
    return make_complete(
        ApplicationFactory(focus_area=area(5), organisation=municipality, created_by=applicant)
    )


class TestDiversity:
    """Area 5: "bør gå inn som en del av kommunale plandokumenter", "det er ikke nødvendig å ha en
    handlingsplan", "bør tiltakene involvere de ansatte"."""

    def test_plans_and_employees_are_advice_not_refusals(self, diversity):
        assert problems(diversity) == []
        assert advice(diversity) == [PLAN_ADVICE, EMPLOYEES_ADVICE]
        area_line = next(
            r for r in application_checklist(application=diversity) if r.code == "area_specific"
        )
        assert area_line.ok and len(area_line.advice) == 2

    def test_the_advice_goes_once_it_is_followed(self, diversity):
        diversity.plan_anchoring = "Inngår i kommuneplanens samfunnsdel."
        assert advice(diversity) == [EMPLOYEES_ADVICE]
        diversity.employee_involvement = "Tillitsvalgte er med i prosjektgruppen."
        assert advice(diversity) == []

    def test_a_signatory_submits_without_an_action_plan(self, diversity, signatory):
        application = application_submit(application=diversity, by=signatory, at=IN_TIME)
        assert application.status == Status.SUBMITTED


def test_welcome_services_dialogue_is_advice(seeded):
    """Area 4: "Fylkeskommunen bør etablere velkomsttilbudet i tett dialog med kommunene"."""
    buskerud = CountyMunicipalityFactory(name="Buskerud fylkeskommune", county_number="33")
    application = make_complete(ApplicationFactory(focus_area=area(4), organisation=buskerud))
    assert problems(application) == []
    assert advice(application) == [
        "Fylkeskommunen bør etablere velkomsttilbudet i tett dialog med kommunene og regionale "
        "statlige aktører som politi, Skatteetaten og Nav; beskriv dialogen (rundskrivet, "
        "«Satsingsområde 4, særlige vilkår»)."
    ]


class TestNorwegianTraining:
    """Area 1, working methods in Norwegian training: the themes "skal" be tied directly to the
    curricula (a rule); how the right to training is kept "bør" show (advice)."""

    def test_the_tie_to_the_curricula_is_a_rule(self, complete):
        complete.has_norwegian_training = True
        complete.right_to_training = "Integrert i opplæringen"
        assert problems(complete) == [
            "Beskriv hvordan prosjektets temaer er direkte knyttet til læreplanen i norsk for "
            "voksne innvandrere eller til læreplanene for forberedende opplæring for voksne (FOV) "
            "(rundskrivet, «Satsingsområde 1, særlige vilkår»)."
        ]

    def test_the_right_to_training_is_advice(self, complete):
        complete.has_norwegian_training = True
        complete.curriculum_tie = "Læreplan i norsk og samfunnskunnskap for voksne innvandrere"
        assert problems(complete) == []
        assert advice(complete) == [
            "Søknaden bør vise hvordan deltakernes rett til opplæring i norsk blir ivaretatt, som "
            "en del av prosjektet eller samordnet med deltakernes øvrige tilbud (rundskrivet, "
            "«Satsingsområde 1, særlige vilkår»)."
        ]


class TestCurriculaDeclaration:
    """ "For deltakere med rett til opplæring i norsk- og samfunnskunnskap ... skal denne
    opplæringen være i tråd med læreplan": only a project with such training declares it."""

    DECLARE = (
        "Bekreft at opplæringen i norsk følger læreplanene og gis av eller med en kvalifisert "
        "lærer (rundskrivet, «Vilkår for å få tilskudd»)."
    )

    def test_a_project_without_norwegian_training_declares_nothing_about_it(self, complete):
        complete.declares_curricula = False
        assert problems(complete) == []

    @pytest.mark.parametrize("box", ["includes_norwegian_training", "has_norwegian_training"])
    def test_a_project_with_norwegian_training_declares_it(self, complete, box):
        complete.declares_curricula = False
        complete.curriculum_tie = "Læreplan i norsk"
        complete.right_to_training = "Integrert"
        setattr(complete, box, True)
        assert problems(complete) == [self.DECLARE]
        complete.declares_curricula = True
        assert problems(complete) == []

    def test_an_area_5_project_with_norwegian_training_declares_it_too(self, diversity):
        diversity.declares_curricula = False
        assert problems(diversity) == []
        diversity.includes_norwegian_training = True
        assert problems(diversity) == [self.DECLARE]


class TestParticipantAllowanceBelongsToTheSocialEntrepreneur:
    def test_an_allowance_without_a_social_entrepreneur_is_refused(self, complete):
        complete.allowance_participants = 10
        complete.allowance_months = 10
        complete.allowance_monthly_amount = Decimal(10000)
        assert problems(complete) == [
            "Deltakerstønad kan bare søkes i prosjekter med en sosial entreprenør: kryss av for "
            "«Med en sosial entreprenør» og beskriv den, eller fjern deltakerstønaden "
            "(rundskrivet, «Satsingsområde 1, særlige vilkår»)."
        ]
        with_entrepreneur(complete)
        assert problems(complete) == []


class TestGOnEachDay:
    """G is set every 1 May (2024: NOK 124,028; 2025: NOK 130,160). A project year from 1 March
    2025 has 61 days under the old G and 304 under the new: the cap is
    (124,028 × 61 + 130,160 × 304) / 365 = NOK 129,135.20, so NOK 129,135."""

    @pytest.fixture
    def from_march(self, complete):
        with_entrepreneur(complete)
        complete.project_start = dt.date(2025, 3, 1)
        complete.project_years = 1
        complete.allowance_participants = 10
        complete.allowance_months = 1
        return complete

    def test_the_cap_is_each_g_for_the_days_it_is_in_force(self):
        cap = allowance_cap(
            start=dt.date(2025, 3, 1),
            end=dt.date(2026, 2, 28),
            basic_amounts=[
                (dt.date(2024, 5, 1), Decimal(124028)),
                (dt.date(2025, 5, 1), Decimal(130160)),
            ],
        )
        assert cap == Decimal(129135)

    def test_more_than_the_g_at_the_start_is_allowed_when_the_new_g_covers_it(self, from_march):
        from_march.allowance_monthly_amount = Decimal(129135)
        assert problems(from_march) == []

    def test_more_than_the_days_allow_is_refused(self, from_march):
        from_march.allowance_monthly_amount = Decimal(129136)
        assert problems(from_march) == [
            "Deltakerstønaden kan være høyst 1 G per deltaker per år: i prosjektår 1 "
            "(01.03.2025–28.02.2026) er det 129\xa0135\xa0kr, med hver G regnet for dagene den "
            "gjelder; dere har satt opp 129\xa0136\xa0kr (rundskrivet, «Satsingsområde 1, særlige "
            "vilkår»)."
        ]

    def test_the_tightest_project_year_decides(self, from_march):
        """From 1 August 2024 over two years: year 1 has 273 days of the 2024 G and 92 of the
        2025 G (NOK 125,573); year 2 has the 2025 G throughout (NOK 130,160)."""
        from_march.project_start = dt.date(2024, 8, 1)
        from_march.project_years = 2
        from_march.allowance_monthly_amount = Decimal(125573)
        assert problems(from_march) == []
        from_march.allowance_monthly_amount = Decimal(125574)
        assert [p.split(":")[1].split(" er ")[0] for p in problems(from_march)] == [
            " i prosjektår 1 (01.08.2024–31.07.2025)"
        ]

    def test_no_g_configured_for_the_start(self, from_march):
        from_march.project_start = dt.date(2024, 3, 1)
        from_march.allowance_monthly_amount = Decimal(1000)
        assert problems(from_march) == [
            "Grunnbeløpet (G) er ikke satt for prosjektets startdato; kontakt IMDi."
        ]


class TestThePages:
    """The checklist shows advice apart from what is missing, and advice never stops the
    signatory."""

    def test_the_checklist_shows_advice_apart_from_problems(self, client, diversity, applicant):
        client.force_login(applicant)
        page = client.get(reverse("development:step", args=[diversity.pk, "area"])).content.decode()
        assert 'data-testid="checklist"' in page
        assert 'class="portal-check portal-check--advice"' in page
        assert "portal-check--problem" not in page
        assert "Det er ikke nødvendig å ha en handlingsplan" in page

    def test_a_signatory_submits_through_the_page_with_advice_left(
        self, client, diversity, signatory, time_machine
    ):
        time_machine.move_to(IN_TIME)
        client.force_login(signatory)
        url = reverse("development:submit", args=[diversity.pk])
        page = client.get(url).content.decode()
        assert 'name="action" value="submit"' in page
        response = client.post(url, {"action": "submit"})
        assert response.status_code == 302
        assert Application.objects.get(pk=diversity.pk).status == Status.SUBMITTED

    def test_the_assessor_sees_the_advice_on_the_submitted_application(
        self, client, diversity, signatory, caseworker
    ):
        application_submit(application=diversity, by=signatory, at=IN_TIME)
        impartial(caseworker, diversity)
        client.force_login(caseworker)
        page = client.get(reverse("development:detail", args=[diversity.pk])).content.decode()
        assert 'data-testid="advice"' in page
        page = client.get(reverse("assessment:case", args=[diversity.pk])).content.decode()
        assert "Det er ikke nødvendig å ha en handlingsplan" in page
        assert "Det er ikke nødvendig å ha en handlingsplan" in page
