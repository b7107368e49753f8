"""An area-1 application from Drammen that meets every rule of Rundskriv 08-2025."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from applications.development.models import Application, BudgetLine, EarlierProject, FundingYear
from imdi_grants.lib.deadlines import OSLO
from schemes.models import FocusArea
from tests.factories import ApplicationFactory

# 19 February 2025, the last day of the 2025 round, in Oslo.
IN_TIME = dt.datetime(2025, 2, 19, 23, 59, 59, tzinfo=OSLO)
TOO_LATE = dt.datetime(2025, 2, 20, 0, 0, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _bokmal():
    """The rules' messages are asserted in Bokmål, as the portal shows them by default."""
    with translation.override("nb"):
        yield


def area(number: int, year: int = 2025) -> FocusArea:
    return FocusArea.objects.get(
        scheme_year__year=year, scheme_year__scheme__code="development", number=number
    )


def make_complete(application: Application) -> Application:
    """Fill in everything the rules ask for: 12 participants over two years from August of the
    round's year."""
    for name in (
        "summary",
        "goals",
        "target_group",
        "activities",
        "purpose_fit",
        "implementation_capacity",
        "transfer_value",
        "products_free",
    ):
        setattr(application, name, f"Tekst for {name}")
    application.title = application.title or "Språk og arbeid i Drammen"
    application.participants = 12
    application.project_start = dt.date(application.scheme_year.year, 8, 1)
    application.project_years = 2
    application.declares_no_ordinary_operation = True
    application.declares_curricula = True
    application.declares_products_free = True
    application.exemption_status = "not_needed"
    application.save()
    for year in (1, 2):
        FundingYear.objects.create(
            application=application,
            year_number=year,
            amount_applied=Decimal(400000),
            own_contribution=Decimal(100000),
            other_funding=Decimal(0),
        )
        BudgetLine.objects.create(
            application=application, year_number=year, description="Lønn", amount=Decimal(500000)
        )
    EarlierProject.objects.create(
        application=application, title="Jobbsjansen", year=2022, result="Åtte av ti i arbeid"
    )
    return application


def impartial(user, application: Application) -> None:
    """``user`` declares no conflict of interest in the submitted ``application``, as IMDi's
    staff must before they open it."""
    from applications.development.services import impartiality_declare

    impartiality_declare(application=application, by=user, has_conflict=False)


@pytest.fixture
def draft(seeded, municipality, applicant):
    """An empty area-1 draft of Drammen kommune."""
    return ApplicationFactory(
        focus_area=area(1), organisation=municipality, created_by=applicant, title=""
    )


@pytest.fixture
def complete(draft):
    return make_complete(draft)
