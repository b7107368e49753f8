"""A 2025 round with a signer, a frame and area budgets, Drammen's complete applications, and
IMDi's staff: a lead caseworker and two assessors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from applications.assessment import services
from applications.development.models import Application
from applications.development.services import application_submit, impartiality_declare
from imdi_grants.accounts.models import StaffRole
from schemes.models import FocusArea, SchemeCode, SchemeYear
from tests.conftest import _with_totp
from tests.development.conftest import IN_TIME, area, make_complete
from tests.factories import ApplicationFactory, CaseworkerFactory, UserFactory

ALL_MET = {
    "check_organisation_type": True,
    "check_deadline_met": True,
    "check_participants": True,
    "check_own_contribution": True,
    "check_approved_by_authority": True,
}
GOOD = {
    "purpose": 5,
    "purpose_note": "Treffer formålet godt.",
    "capacity": 5,
    "capacity_note": "Erfaren prosjektorganisasjon.",
    "transfer": 4,
    "transfer_note": "Metoden kan brukes andre steder.",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def round_2025(seeded) -> SchemeYear:
    """The 2025 round with its signer and area budgets inside the NOK 51.5 million frame."""
    year = SchemeYear.objects.get(scheme__code=SchemeCode.DEVELOPMENT, year=2025)
    year.budget_authority_name = "Hanne Hansen"
    year.budget_authority_title = "avdelingsdirektør"
    year.save()
    FocusArea.objects.filter(scheme_year=year).update(budget_amount=Decimal("10000000"))
    return year


@pytest.fixture
def lead(db):
    return _with_totp(UserFactory(staff_role=StaffRole.LEAD, full_name="Lise Leder"))


@pytest.fixture
def assessor_a(db):
    return _with_totp(CaseworkerFactory(full_name="Anne Vurderer"))


@pytest.fixture
def assessor_b(db):
    return _with_totp(CaseworkerFactory(full_name="Bjørn Vurderer"))


#: What each focus area's own part of the form asks, filled in (rules.py keys on the kind).
AREA_FIELDS = {
    2: {
        "supportive_not_treatment": True,
        "local_characteristics": "Lavterskel samtalegrupper.",
        "interdisciplinary_cooperation": "Helsestasjon og NAV.",
    },
    4: {"regional_dialogue": "Dialog med nabokommunene og statsforvalteren."},
    5: {"plan_anchoring": "Forankret i kommuneplanen.", "employee_involvement": "Arbeidsgrupper."},
}


def submitted_application(municipality, applicant, signatory, number: int = 1, **fields):
    application = make_complete(
        ApplicationFactory(
            focus_area=area(number),
            organisation=municipality,
            created_by=applicant,
            **AREA_FIELDS.get(number, {}),
            **fields,
        )
    )
    return application_submit(application=application, by=signatory, at=IN_TIME)


def declare(application: Application, *users, conflict: bool = False) -> None:
    for user in users:
        impartiality_declare(
            application=application,
            by=user,
            has_conflict=conflict,
            explanation="Søsteren min leder prosjektet." if conflict else "",
        )


@pytest.fixture
def submitted(round_2025, municipality, applicant, signatory):
    municipality.bank_account_number = "15031234562"
    municipality.save(update_fields=["bank_account_number"])
    return submitted_application(municipality, applicant, signatory, title="Språk og arbeid")


@pytest.fixture
def in_assessment(submitted, lead, assessor_a, assessor_b):
    """Passed the formal check; two assessors assigned; everyone has declared no conflict."""
    declare(submitted, lead, assessor_a, assessor_b)
    services.formal_check_record(application=submitted, by=assessor_a, checks=ALL_MET)
    services.assessors_assign(
        applications=[submitted], assessors=[assessor_a, assessor_b], by=lead, per_application=2
    )
    return Application.objects.get(pk=submitted.pk)


def scored(application, lead, *assessors, agreed=(5, 5, 4)):
    """Each assessor submits GOOD; the lead agrees on ``agreed``."""
    for assessor in assessors:
        services.score_save(application=application, by=assessor, values=GOOD, submit=True)
    purpose, capacity, transfer = agreed
    services.agreed_score_set(
        application=application,
        by=lead,
        purpose=purpose,
        capacity=capacity,
        transfer=transfer,
        comment="Enige etter møte.",
    )
    return Application.objects.get(pk=application.pk)


def award_and_accept(application, lead, signatory, *, amount, planned_years=None):
    """Award the application, make its area final, send the letter on 1 April 2025 and have
    the signatory accept it on 10 April; returns the accepted grant."""
    import datetime as dt

    from grants import services as grant_services
    from grants.models import GrantLetter
    from imdi_grants.lib.deadlines import OSLO

    kwargs = {} if planned_years is None else {"planned_years": planned_years}
    decision = services.application_award(
        application=application, by=lead, amount=Decimal(amount), **kwargs
    )
    services.allocation_finalise(focus_area=application.focus_area, by=lead)
    services.decisions_send(focus_area=application.focus_area, by=lead)
    letter = GrantLetter.objects.get(grant=decision.grant)
    grant_services.grant_letter_send(letter_id=letter.pk, on=dt.date(2025, 4, 1))
    grant_services.grant_accept(
        grant=decision.grant, by=signatory, at=dt.datetime(2025, 4, 10, tzinfo=OSLO)
    )
    decision.grant.refresh_from_db()
    return decision.grant
