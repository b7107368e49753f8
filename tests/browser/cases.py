"""Cases in every state the main pages show, built with the services on top of the demo data
(``demo_data``): a reception grant through acceptance, payment and a submitted report, an offer
still waiting for its acceptance letter, and development-grant applications as a draft and
submitted. Used by the accessibility and reflow tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from applications.development import services as development
from applications.reception import services as reception
from grants import services as grant_services
from imdi_grants.accounts.models import Organisation, User
from imdi_grants.lib.deadlines import OSLO, today_in_oslo
from reporting import services as reporting
from schemes.models import FocusArea, SchemeCode, SchemeYear
from tests.development.conftest import make_complete
from tests.reception_fixtures import issue, partnership, pay


@dataclass
class Cases:
    organisation: Organisation
    grant_offer: int  # the offer page of a paid grant with reports
    open_offer: int  # an offer waiting for its acceptance letter
    agreement: int
    report: int  # a submitted report (the caseworker reviews it)
    open_report: int  # a report the municipality can fill in
    draft: int  # a development application being filled in
    submitted: int  # a submitted development application
    grant: int


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _open_round_area() -> FocusArea:
    today = today_in_oslo()
    for year in SchemeYear.objects.filter(scheme__code=SchemeCode.DEVELOPMENT).order_by("year"):
        if year.application_deadline and year.application_deadline >= today:
            return year.focus_areas.get(number=1)
    raise AssertionError("the demo data has no open development round")


def cases_build() -> Cases:
    caseworker = _user("caseworker@imdi.example")
    applicant = _user("applicant@drammen.example")
    signatory = _user("signatory@drammen.example")
    drammen = Organisation.objects.get(municipality_number="3301")

    # Reception: 2024 through acceptance, payment and a submitted half-yearly report.
    year_2024 = SchemeYear.objects.get(scheme__code=SchemeCode.RECEPTION, year=2024)
    year_2024.budget_authority_name = "Hanne Hansen"
    year_2024.budget_authority_title = "Avdelingsdirektør"
    year_2024.save(update_fields=["budget_authority_name", "budget_authority_title"])
    agreement = reception.agreement_register(
        organisation=drammen,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    partnership(drammen)
    offer = reception.offer_send(organisation=drammen, scheme_year=year_2024, by=caseworker)
    issue(offer, signatory, caseworker)  # the acceptance letter, then the grant letter sent
    grant = offer.grant
    grant_services.grant_accept(
        grant=grant, by=signatory, at=dt.datetime(2024, 2, 10, 12, tzinfo=OSLO)
    )
    grant.refresh_from_db()
    pay(grant, proposer=caseworker, approver=_user("caseworker2@imdi.example"))
    reporting.reports_create_for_grant(grant=grant)
    submitted = grant.reports.filter(kind="half_year").order_by("period_start").first()
    reporting.report_save(
        report=submitted,
        by=applicant,
        fields={"participants": 42, "income": Decimal(642300), "expenses": Decimal(600000)},
        activities={
            c: (40, "Daglig undervisning i grupper.")
            for c in ("norwegian", "social_studies", "competence_mapping")
        },
    )
    reporting.report_submit(report=submitted, by=applicant)
    open_report = grant.reports.filter(kind="annual").first()  # with the project accounts

    # Reception, this year: offered, the acceptance letter still to be written.
    this_year = SchemeYear.objects.get(scheme__code=SchemeCode.RECEPTION, year=today_in_oslo().year)
    open_offer = reception.offer_send(organisation=drammen, scheme_year=this_year, by=caseworker)

    # Development: a draft and a submitted application in the open (demo) round.
    area = _open_round_area()
    draft = development.application_create(organisation=drammen, focus_area=area, by=applicant)
    make_complete(draft)
    development.application_update_draft(
        application=draft, by=applicant, fields={"title": "Utkast"}
    )
    done = development.application_create(organisation=drammen, focus_area=area, by=applicant)
    make_complete(done)
    development.application_submit(application=done, by=signatory, at=timezone.now())

    return Cases(
        organisation=drammen,
        grant_offer=offer.pk,
        open_offer=open_offer.pk,
        agreement=agreement.pk,
        report=submitted.pk,
        open_report=open_report.pk,
        draft=draft.pk,
        submitted=done.pk,
        grant=grant.pk,
    )
