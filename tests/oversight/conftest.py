"""A small hand-made world for the oversight pages, on 2 June 2025 in Oslo: the 2025
development round (with a project from a 2024 round in its second year) and the 2024 reception
grant, every figure known in advance (see ``test_figures.py``).

Rows are made directly, not through the services: the pages only read, and this way each
figure is one that a test can add up by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from applications.appeals.models import Appeal
from applications.assessment.models import Decision, DecisionKind, DecisionLetter
from applications.development.models import Application, FundingYear
from applications.development.models import Status as AS
from applications.reception.models import (
    OfferStatus,
    PlaceCount,
    ReceptionAgreement,
    ReceptionOffer,
)
from grants.models import (
    BatchStatus,
    Grant,
    GrantLetter,
    GrantStatus,
    LetterStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
    PlannedYear,
    Reaction,
    ReactionKind,
    ReactionStatus,
)
from imdi_grants.lib.deadlines import OSLO
from reporting.models import Report, ReportStatus
from schemes.models import FocusArea, ReportKind, SchemeCode, SchemeYear
from tests.conftest import _with_totp
from tests.factories import CaseworkerFactory, CountyMunicipalityFactory, MunicipalityFactory

NOW = dt.datetime(2025, 6, 2, 12, 0, tzinfo=OSLO)
TODAY = NOW.date()
K = Decimal(1000)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at(text: str) -> dt.datetime:
    """A moment in Oslo time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=OSLO)


class World:
    """Builds rows; ``n`` numbers case numbers so that a second batch never collides."""

    numbers = itertools.count(1)

    def __init__(self, staff):
        self.staff = staff
        self.development = SchemeYear.objects.get(scheme__code=SchemeCode.DEVELOPMENT, year=2025)
        self.development_2024 = SchemeYear.objects.create(
            scheme=self.development.scheme, year=2024, budget_frame=Decimal(40_000_000)
        )
        self.reception = SchemeYear.objects.get(scheme__code=SchemeCode.RECEPTION, year=2024)
        FocusArea.objects.filter(scheme_year=self.development).update(budget_amount=None)
        FocusArea.objects.filter(scheme_year=self.development, number=1).update(
            budget_amount=Decimal(10_000_000)
        )
        FocusArea.objects.filter(scheme_year=self.development, number=2).update(
            budget_amount=Decimal(5_000_000)
        )

    def area(self, number: int, year: SchemeYear | None = None) -> FocusArea:
        return FocusArea.objects.filter(scheme_year=year or self.development, number=number).first()

    def case_number(self) -> str:
        return f"2025/{next(self.numbers):05d}"

    def application(
        self, organisation, number, status, *, applied, participants, submitted=True
    ) -> Application:
        area = self.area(number)
        application = Application.objects.create(
            scheme_year=area.scheme_year,
            focus_area=area,
            organisation=organisation,
            status=status,
            case_number=self.case_number() if submitted else None,
            title=f"Prosjekt {organisation.short_name}",
            participants=participants,
            created_by=self.staff,
        )
        FundingYear.objects.create(application=application, year_number=1, amount_applied=applied)
        FundingYear.objects.create(
            application=application, year_number=2, amount_applied=Decimal(999_999)
        )
        return application

    def grant(self, organisation, scheme_year, amount, status=GrantStatus.ACCEPTED, case=None):
        year = scheme_year.year
        return Grant.objects.create(
            case_number=case or self.case_number(),
            organisation=organisation,
            scheme_year=scheme_year,
            status=status,
            amount=amount,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
            bank_account_number="15031234562",
            created_by=self.staff,
        )

    def award(self, application, amount, status=GrantStatus.ACCEPTED) -> Grant:
        grant = self.grant(
            application.organisation,
            application.scheme_year,
            amount,
            status,
            case=application.case_number,
        )
        Decision.objects.create(
            application=application,
            kind=DecisionKind.AWARD,
            amount=amount,
            grant=grant,
            decided_by=self.staff,
        )
        return grant

    def decide(self, application, kind, *, sent_on=None, opened_on=None) -> Decision:
        decision = Decision.objects.create(
            application=application, kind=kind, grounds="Grunner.", decided_by=self.staff
        )
        if sent_on:
            DecisionLetter.objects.create(
                decision=decision,
                language="nb",
                signed_by="Hanne Hansen",
                sent_on=sent_on,
                opened_on=opened_on,
            )
        return decision

    def payment(self, grant, term, amount, status=PaymentStatus.PLANNED, **fields) -> Payment:
        if status != PaymentStatus.PLANNED:
            fields["batch"] = PaymentBatch.objects.create(
                payment_date=fields.get("due_on", grant.starts_on),
                status=BatchStatus.APPROVED,
                proposed_by=self.staff,
            )
            fields["payment_date"] = fields["batch"].payment_date
        fields.setdefault("due_on", grant.starts_on)
        return Payment.objects.create(
            grant=grant, term=term, amount=amount, status=status, **fields
        )

    def reaction(self, grant, kind, amount, status=ReactionStatus.APPROVED, **fields):
        return Reaction.objects.create(
            grant=grant,
            kind=kind,
            amount=amount,
            grounds="Brudd på vilkårene.",
            status=status,
            proposed_by=self.staff,
            **fields,
        )

    def report(self, grant, kind, due, status=ReportStatus.DUE, **fields) -> Report:
        year = grant.scheme_year.year
        return Report.objects.create(
            grant=grant,
            kind=kind,
            period_start=fields.pop("period_start", dt.date(year, 1, 1)),
            period_end=dt.date(year, 12, 31),
            due_date=due,
            status=status,
            **fields,
        )

    def letter(self, grant, deadline) -> GrantLetter:
        return GrantLetter.objects.create(
            grant=grant,
            version=1,
            status=LetterStatus.AWAITING,
            sent_on=deadline - dt.timedelta(days=14),
            acceptance_deadline=deadline,
            signed_by="Hanne Hansen",
            amount=grant.amount,
            language="nb",
        )

    def appeal(self, organisation, *, decision=None, reaction=None) -> Appeal:
        return Appeal.objects.create(
            organisation=organisation,
            decision=decision,
            reaction=reaction,
            text="Vi klager.",
            received_on=TODAY - dt.timedelta(days=10),
            deadline=TODAY + dt.timedelta(days=11),
            lodged_by=self.staff,
        )

    def reception_offer(self, organisation, places: list[tuple[str, int]], grant=None):
        agreement = ReceptionAgreement.objects.create(
            organisation=organisation, start_date=day("2024-01-01"), created_by=self.staff
        )
        for valid_from, count in places:
            PlaceCount.objects.create(agreement=agreement, valid_from=day(valid_from), places=count)
        return ReceptionOffer.objects.create(
            organisation=organisation,
            scheme_year=self.reception,
            agreement=agreement,
            case_number=grant.case_number if grant else self.case_number(),
            status=OfferStatus.GRANTED if grant else OfferStatus.OFFERED,
            amount=grant.amount if grant else Decimal(500_000),
            grant=grant,
        )


@pytest.fixture
def staff(db):
    return _with_totp(CaseworkerFactory(full_name="Kari Saksbehandler"))


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def world(seeded, staff, frozen) -> World:
    """The figures ``test_figures.py`` expects; see there."""
    w = World(staff)
    w.buskerud = CountyMunicipalityFactory(
        name="Buskerud fylkeskommune", short_name="Buskerud", county_number="33"
    )
    w.vestland = CountyMunicipalityFactory(
        name="Vestland fylkeskommune", short_name="Vestland", county_number="46"
    )
    w.drammen = MunicipalityFactory(
        name="Drammen kommune", short_name="Drammen", county_number="33"
    )
    w.lier = MunicipalityFactory(name="Lier kommune", short_name="Lier", county_number="33")
    w.bergen = MunicipalityFactory(name="Bergen kommune", short_name="Bergen", county_number="46")

    # --- The 2025 development round -----------------------------------------------------
    w.a1 = w.application(w.drammen, 1, AS.AWARDED, applied=400 * K, participants=12)
    w.g1 = w.award(w.a1, 300 * K)
    PlannedYear.objects.create(grant=w.g1, year=2026, amount=250 * K)
    w.payment(w.g1, "spring", 150 * K, PaymentStatus.APPROVED, due_on=day("2025-05-15"))
    w.payment(w.g1, "autumn", 150 * K, due_on=day("2025-06-20"), withheld=20 * K)
    w.reclaim = w.reaction(
        w.g1, ReactionKind.RECLAIM, 10 * K, sent_on=day("2025-05-26"), due_on=day("2025-06-25")
    )
    w.reaction(w.g1, ReactionKind.RECLAIM, 5 * K, ReactionStatus.PROPOSED)
    w.reaction(w.g1, ReactionKind.WITHHOLDING, 20 * K)
    w.report(
        w.g1,
        ReportKind.STATUS,
        day("2025-05-15"),
        ReportStatus.APPROVED,
        participants=11,
        submitted_at=at("2025-05-15T23:30:00"),
    )
    w.report(w.g1, ReportKind.ANNUAL, day("2025-06-10"))

    w.a2 = w.application(w.lier, 1, AS.AWARDED, applied=250 * K, participants=20)
    w.g2 = w.award(w.a2, 200 * K, GrantStatus.LETTER_ISSUED)
    w.letter(w.g2, day("2025-05-30"))

    w.a3 = w.application(w.bergen, 2, AS.REFUSED, applied=100 * K, participants=15)
    w.decide(w.a3, DecisionKind.REFUSAL)
    w.a4 = w.application(w.bergen, 2, AS.DISMISSED, applied=80 * K, participants=9)
    w.decide(w.a4, DecisionKind.DISMISSAL, sent_on=day("2025-05-20"), opened_on=day("2025-05-22"))
    w.a5 = w.application(w.drammen, 2, AS.AWARDED, applied=120 * K, participants=10)
    w.g5 = w.award(w.a5, 100 * K, GrantStatus.LAPSED)
    PlannedYear.objects.create(grant=w.g5, year=2026, amount=80 * K)
    w.a6 = w.application(w.lier, 5, AS.IN_ASSESSMENT, applied=50 * K, participants=30)
    w.a7 = w.application(w.drammen, 1, AS.DRAFT, applied=70 * K, participants=10, submitted=False)
    w.a8 = w.application(w.bergen, 1, AS.DISMISSED, applied=60 * K, participants=10)
    w.appeal_a8 = w.appeal(
        w.bergen, decision=w.decide(w.a8, DecisionKind.DISMISSAL, sent_on=day("2025-04-01"))
    )

    # --- Earlier rounds' projects in their 2025 year ----------------------------------
    w.g0 = w.grant(w.bergen, w.development_2024, 600 * K)
    PlannedYear.objects.create(grant=w.g0, year=2025, amount=500 * K)
    w.h0 = w.grant(w.vestland, w.development_2024, 450 * K)
    w.h1 = w.grant(w.vestland, w.development, 400 * K)
    PlannedYear.objects.create(grant=w.h0, year=2025, amount=400 * K, continued_as=w.h1)
    w.payment(w.h1, "spring", 200 * K, PaymentStatus.APPROVED, due_on=day("2025-05-15"))
    # Due 1 May, submitted 00:30 on 2 May in Oslo (still 1 May in UTC): late.
    w.report(
        w.h1,
        ReportKind.STATUS,
        day("2025-05-01"),
        ReportStatus.SUBMITTED,
        participants=40,
        submitted_at=at("2025-05-02T00:30:00"),
    )
    w.report(w.h1, ReportKind.ANNUAL, day("2025-05-20"))

    # --- The 2024 reception grant -------------------------------------------------------
    w.r1 = w.grant(w.drammen, w.reception, Decimal(1_413_060))
    w.reception_offer(w.drammen, [("2024-01-01", 50), ("2024-07-01", 60)], grant=w.r1)
    w.payment(w.r1, "yearly", Decimal(1_413_060), PaymentStatus.APPROVED, due_on=day("2024-04-15"))
    w.report(
        w.r1,
        ReportKind.HALF_YEAR,
        day("2024-08-31"),
        ReportStatus.APPROVED,
        participants=38,
        submitted_at=at("2024-08-30T10:00:00"),
    )
    w.report(
        w.r1,
        ReportKind.HALF_YEAR,
        day("2025-01-31"),
        ReportStatus.SUBMITTED,
        participants=45,
        submitted_at=at("2025-02-03T10:00:00"),
        period_start=day("2024-07-01"),
    )
    w.r2 = w.grant(w.lier, w.reception, Decimal(513_840), GrantStatus.LAPSED)
    w.reception_offer(w.lier, [("2024-01-01", 20)], grant=w.r2)
    w.reception_offer(w.bergen, [("2024-01-01", 30), ("2025-01-01", 35)])
    return w


def grow(w: World, times: int) -> None:
    """Many more cases of every kind, in more counties: the pages must cost the same queries."""
    assert times <= 29, "county numbers 70–98"
    for i in range(times):
        county = CountyMunicipalityFactory(county_number=f"{70 + i}")
        town = MunicipalityFactory(county_number=county.county_number)
        for number, status in ((1, AS.AWARDED), (2, AS.DISMISSED), (5, AS.REFUSED)):
            application = w.application(town, number, status, applied=100 * K, participants=12)
            if status == AS.AWARDED:
                grant = w.award(application, 90 * K)
                PlannedYear.objects.create(grant=grant, year=2026, amount=90 * K)
                w.payment(grant, "spring", 45 * K, PaymentStatus.APPROVED, due_on=day("2025-05-15"))
                w.payment(grant, "autumn", 45 * K, due_on=TODAY + dt.timedelta(days=i % 40))
                reclaim = w.reaction(grant, ReactionKind.RECLAIM, K, sent_on=TODAY)
                w.appeal(town, reaction=reclaim)
                w.report(grant, ReportKind.STATUS, TODAY - dt.timedelta(days=i % 9))
                w.letter(grant, TODAY + dt.timedelta(days=i % 5))
            elif status == AS.DISMISSED:
                decision = w.decide(application, DecisionKind.DISMISSAL, sent_on=TODAY)
                if i % 2:
                    w.appeal(town, decision=decision)
            else:
                w.decide(application, DecisionKind.REFUSAL)
        grant = w.grant(town, w.reception, Decimal(400_000))
        w.reception_offer(town, [("2024-01-01", 15)], grant=grant)
        w.payment(grant, "yearly", Decimal(400_000), due_on=TODAY)
        w.report(
            grant,
            ReportKind.ANNUAL,
            day("2025-01-31"),
            ReportStatus.SUBMITTED,
            participants=9,
            submitted_at=at("2025-01-30T09:00:00"),
        )
