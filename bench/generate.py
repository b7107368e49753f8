"""Volume data: three years of both schemes in a PostgreSQL database, for speed figures and for
the test that every staff list takes the same few queries at any size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imdi_bench \\
        python bench/generate.py --applications 10000 [--check]

drops and creates the database named in ``DATABASE_URL`` (its name must contain "bench"), then
fills it: the 357 municipalities and 15 county municipalities (``load_organisations``), the schemes
(``seed_schemes``) and three years of each (2024–2026; the years the seed lacks are copied from
it), IMDi staff, a signatory and an applicant per organisation; the development grant's
applications spread over the years, organisations and open focus areas, each with its funding
years, formal check, two assessors' submitted scores, agreed score and decision with its letter,
about half awarded as grants with their accepted letter, payments in terms, later years of
multi-year projects, reports in mixed statuses, some reactions and appeals; and the integration
reception grant for the municipalities with an agreement, each year an offer, acceptance letter
and grant with its payment and half-yearly and annual reports. What has happened by ``today``
(e.g. a report due next month) decides each row's status.

Rows are written with ``bulk_create`` in batches, not through the services: this is bench data,
consistent enough that every page renders (``--check`` fetches a sample of pages as staff and as
an applicant), not a record of real work; the audit trail has a few entries per case. Every
letter and upload points at one small stored PDF (or XLSX for accounts). It prints the rows per
table and the time taken. ``generate()`` is also called by ``tests/test_list_queries.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent

OSLO = ZoneInfo("Europe/Oslo")
YEARS = (2024, 2025, 2026)
BATCH = 2000
CHUNK = 5000
PASSWORD = "imdi-bench"
#: The organisation that applies most (the test's applicant is its signatory).
BUSY_MUNICIPALITY = "3301"

WORDS = [
    "Arbeid",
    "Språk",
    "Mestring",
    "Trygg",
    "Veien",
    "Sammen",
    "Kvalifisering",
    "Mangfold",
    "Velkommen",
    "Nettverk",
    "Praksis",
    "Fremtid",
    "Inkludering",
    "Mentor",
    "Kompetanse",
    "Norsk",
    "Hverdag",
    "Fellesskap",
    "Start",
    "Bro",
]
TAILS = ("i praksis", "for nyankomne", "på jobb", "i kommunen", "2.0", "med frivillige", "ut")


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


@dataclass
class Files:
    """One stored PDF and one XLSX that every letter and upload points at."""

    pdf: str
    pdf_sha256: str
    xlsx: str


@dataclass
class People:
    admin: object
    lead: object
    caseworkers: list
    signatory: dict  # organisation id -> user
    applicant: dict


@contextmanager
def _times_as_given(model, names: tuple[str, ...]):
    """Insert the moments the rows carry instead of now (``auto_now_add``): a case decided in
    2024 says so."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class Tally:
    rows: Counter = field(default_factory=Counter)

    def add(self, model, objects: list, *, times: tuple[str, ...] = ()) -> list:
        """bulk_create in batches, counted by table; ``times``: fields whose moments are given."""
        if not objects:
            return objects
        with _times_as_given(model, times):
            made = model.objects.bulk_create(objects, batch_size=BATCH)
        self.rows[model._meta.label] += len(made)
        return made


def _bank_account(rng: random.Random) -> str:
    from stdnum.no import kontonr

    while True:
        number = f"{rng.randrange(1200, 9999)}{rng.randrange(10, 99)}{rng.randrange(0, 9999):04d}"
        for check in "0123456789":
            if kontonr.is_valid(number + check):
                return number + check


def _files() -> Files:
    """Store the shared PDF and XLSX once (in MEDIA_ROOT), unless they are there already."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from openpyxl import Workbook

    pdf_name, xlsx_name = "bench/letter.pdf", "bench/accounts.xlsx"
    if not default_storage.exists(pdf_name):
        from weasyprint import HTML

        pdf = HTML(string="<h1>IMDi</h1><p>Brev i volumdata (bench).</p>").write_pdf()
        default_storage.save(pdf_name, ContentFile(pdf))
    if not default_storage.exists(xlsx_name):
        book = Workbook()
        book.active.append(["Inntekter", "Utgifter"])
        buffer = io.BytesIO()
        book.save(buffer)
        default_storage.save(xlsx_name, ContentFile(buffer.getvalue()))
    with default_storage.open(pdf_name, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    return Files(pdf=pdf_name, pdf_sha256=sha, xlsx=xlsx_name)


def _scheme_years():
    """The seeded years, and 2024–2026 of each scheme: the years the seed lacks are copied from
    the scheme's seeded year, dates moved (``schemes.services._copy_year``)."""
    from django.utils import timezone

    from schemes.models import SchemeCode, SchemeYear
    from schemes.services import _copy_year

    years = {}
    for code in (str(SchemeCode.RECEPTION.value), str(SchemeCode.DEVELOPMENT.value)):
        source = SchemeYear.objects.filter(scheme__code=code, is_demo=False).order_by("year").last()
        for year in YEARS:
            found = SchemeYear.objects.filter(scheme__code=code, year=year).first()
            years[code, year] = found or _copy_year(source=source, year=year, is_demo=True)
    for scheme_year in years.values():
        if not scheme_year.budget_authority_name:
            scheme_year.budget_authority_name = "Hanne Hansen"
            scheme_year.budget_authority_title = "Avdelingsdirektør"
        scheme_year.published_at = scheme_year.published_at or timezone.now()
        scheme_year.save(
            update_fields=["budget_authority_name", "budget_authority_title", "published_at"]
        )
    return years


def _people(tally: Tally, organisations: list, rng: random.Random) -> People:
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password

    from imdi_grants.accounts.models import Membership, MembershipRole, StaffRole, User

    password = make_password(PASSWORD)
    first = ("Anne", "Ola", "Kari", "Per", "Ingrid", "Ali", "Sara", "Jonas", "Fatima", "Nils")
    last = ("Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Ahmed", "Dahl", "Lie")

    def name() -> str:
        return f"{rng.choice(first)} {rng.choice(last)}"

    staff = [
        User(
            email="bench-admin@imdi.example",
            full_name="Administrator Benk",
            staff_role=StaffRole.ADMINISTRATOR,
            is_staff=True,
            is_superuser=True,
            password=password,
        ),
        User(
            email="bench-lead@imdi.example",
            full_name="Fagansvarlig Benk",
            staff_role=StaffRole.LEAD,
            password=password,
        ),
        *(
            User(
                email=f"bench-caseworker{n:02d}@imdi.example",
                full_name=f"{name()} ({n})",
                staff_role=StaffRole.CASEWORKER,
                password=password,
            )
            for n in range(1, 13)
        ),
    ]
    municipal = []
    for organisation in organisations:
        number = organisation.registry_number
        for role in ("signatory", "applicant"):
            municipal.append(
                User(email=f"{role}-{number}@bench.example", full_name=name(), password=password)
            )
    users = tally.add(User, staff + municipal)
    tally.add(
        EmailAddress,
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
    )
    for user in users[: len(staff)]:
        TOTP.activate(user, generate_totp_secret())  # staff need a second factor
    signatory, applicant, memberships = {}, {}, []
    for n, organisation in enumerate(organisations):
        signer, helper = users[len(staff) + 2 * n], users[len(staff) + 2 * n + 1]
        signatory[organisation.pk], applicant[organisation.pk] = signer, helper
        memberships += [
            Membership(user=signer, organisation=organisation, role=MembershipRole.SIGNATORY),
            Membership(user=helper, organisation=organisation, role=MembershipRole.APPLICANT),
        ]
    tally.add(Membership, memberships)
    return People(
        admin=users[0],
        lead=users[1],
        caseworkers=users[2 : len(staff)],
        signatory=signatory,
        applicant=applicant,
    )


class Batches:
    """Payment lists: approved payments grouped by payment date, at most 100 to a list."""

    def __init__(self, tally: Tally, people: People, rng: random.Random):
        self.tally, self.people, self.rng = tally, people, rng

    def assign(self, payments: list) -> None:
        from grants.models import PAID_STATUSES, BatchStatus, PaymentBatch

        by_date = defaultdict(list)
        for payment in payments:
            if payment.status in PAID_STATUSES:
                by_date[payment.payment_date].append(payment)
        made = []
        for day, rows in sorted(by_date.items()):
            for start in range(0, len(rows), 100):
                proposer, approver = self.rng.sample(self.people.caseworkers, 2)
                batch = PaymentBatch(
                    payment_date=day,
                    status=BatchStatus.APPROVED,
                    proposed_by=proposer,
                    proposed_at=at(day - dt.timedelta(days=7), 10),
                    approved_by=approver,
                    approved_at=at(day - dt.timedelta(days=5), 14),
                )
                made.append((batch, rows[start : start + 100]))
        self.tally.add(PaymentBatch, [batch for batch, _rows in made])
        for batch, rows in made:
            for payment in rows:
                payment.batch = batch
                payment.approved_by = batch.approved_by
                payment.approved_at = batch.approved_at


class Generator:
    """Writes the rows; ``today`` decides how far each case has come."""

    def __init__(self, *, applications: int, today: dt.date, seed: int, say: Callable):
        self.count = applications
        self.today = today
        self.rng = random.Random(seed)
        self.say = say
        self.tally = Tally()
        self.case_numbers: Counter = Counter()
        self.audit: list = []
        self.area_awarded: Counter = Counter()
        self.planned_for_year: Counter = Counter()

    # --- helpers ---------------------------------------------------------------------------
    def case_number(self, year: int) -> str:
        self.case_numbers[year] += 1
        return f"{year}/{self.case_numbers[year]:05d}"

    def happened(self, day: dt.date) -> bool:
        return day <= self.today

    def log(self, subject, action: str, actor, organisation, when: dt.datetime, **extra) -> None:
        from django.contrib.contenttypes.models import ContentType

        from imdi_grants.audit.models import AuditEntry

        self.audit.append(
            AuditEntry(
                content_type=ContentType.objects.get_for_model(subject),
                object_id=subject.pk,
                action=action,
                actor=actor,
                organisation=organisation,
                case_number=str(getattr(subject, "case_number", "") or ""),
                created_at=when,
                **extra,
            )
        )

    def flush_audit(self) -> None:
        from imdi_grants.audit.models import AuditEntry

        entries, self.audit = self.audit, []
        self.tally.add(AuditEntry, entries, times=("created_at",))

    def report_state(self, due: dt.date) -> tuple[str, dt.date | None, dt.date | None]:
        """(status, submitted on, reviewed on) of a report due on ``due``, as of today."""
        from reporting.models import ReportStatus as R

        rng = self.rng
        submitted = due - dt.timedelta(days=rng.randrange(0, 12))
        if not self.happened(submitted):
            return R.DUE, None, None
        reviewed = submitted + dt.timedelta(days=rng.randrange(5, 25))
        age = (self.today - due).days
        roll = rng.random()
        if age > 45:
            status = R.APPROVED if roll < 0.93 else R.SUBMITTED if roll < 0.97 else R.RETURNED
        else:
            status = (
                R.SUBMITTED
                if roll < 0.45
                else R.APPROVED
                if roll < 0.8
                else R.RETURNED
                if roll < 0.88
                else R.DUE
            )
        if status in (R.APPROVED, R.RETURNED) and not self.happened(reviewed):
            status = R.SUBMITTED
        if status == R.DUE:
            return status, None, None
        return status, submitted, reviewed if status != R.SUBMITTED else None

    def report(self, grant, deadline, *, signatory, applicant, reception: bool):
        """One report from a deadline, filled in as far as its status says."""
        from reporting.models import Report, ReportStatus

        status, submitted, reviewed = self.report_state(deadline.due_date)
        report = Report(
            grant=grant,
            kind=deadline.kind,
            period_start=deadline.period_start or grant.starts_on,
            period_end=deadline.period_end or deadline.due_date,
            due_date=deadline.due_date,
            status=status,
        )
        if status == ReportStatus.DUE:
            return report
        rng = self.rng
        report.participants = rng.randrange(10, 120)
        report.narrative = "Tiltaket gikk som planlagt; deltakerne kom i arbeid eller utdanning."
        report.submitted_by, report.submitted_at = signatory, at(submitted)
        if deadline.kind == "annual":
            spent = Decimal(int(grant.amount * Decimal(rng.uniform(0.85, 1.0))))
            report.income, report.expenses = grant.amount, spent
            report.project_lead_approved_by = applicant
            report.project_lead_approved_at = at(submitted, 9)
            report.manager_approved_by = signatory
            report.manager_approved_at = at(submitted, 11)
            if reception:
                report.accounts_file = self.files.xlsx
                report.accounts_file_original_name = "prosjektregnskap.xlsx"
                report.accounts_file_scan_status = "clean"
                report.accounts_file_scanned_at = at(submitted, 11)
        if reviewed is not None:
            report.reviewed_by = rng.choice(self.people.caseworkers)
            report.reviewed_at = at(reviewed, 13)
            if status == ReportStatus.RETURNED:
                report.review_comment = "Regnskapet mangler utgifter til lønn; send det igjen."
        return report

    # --- organisations, years, people ------------------------------------------------------
    def prepare(self) -> None:
        from django.core.management import call_command

        from imdi_grants.accounts.models import Organisation

        call_command("load_organisations", verbosity=0, stdout=io.StringIO())
        call_command("seed_schemes", verbosity=0, stdout=io.StringIO())
        self.years = _scheme_years()
        organisations = list(Organisation.objects.order_by("pk"))
        for organisation in organisations:
            if not organisation.bank_account_number:
                organisation.bank_account_number = _bank_account(self.rng)
        Organisation.objects.bulk_update(organisations, ["bank_account_number"], batch_size=BATCH)
        self.organisations = organisations
        self.municipalities = [o for o in organisations if o.is_municipality]
        self.counties = [o for o in organisations if o.is_county_municipality]
        self.busy = next(
            (o for o in organisations if o.municipality_number == BUSY_MUNICIPALITY),
            self.municipalities[0],
        )
        self.people = _people(self.tally, organisations, self.rng)
        self.files = _files()
        self.batches = Batches(self.tally, self.people, self.rng)

    # --- the development grant -------------------------------------------------------------
    def development(self) -> None:
        per_year = [self.count // len(YEARS)] * len(YEARS)
        per_year[-1] += self.count - sum(per_year)
        for year, count in zip(YEARS, per_year, strict=True):
            scheme_year = self.years["development", year]
            areas = list(scheme_year.focus_areas.filter(is_open=True).order_by("number"))
            deadlines = list(scheme_year.report_deadlines.order_by("due_date"))
            terms = list(scheme_year.payment_terms.order_by("pay_on"))
            for start in range(0, count, CHUNK):
                self.development_chunk(
                    scheme_year, areas, deadlines, terms, min(CHUNK, count - start)
                )
            self.say(f"  development {year}: {count} applications")
        self.allocations_and_frames()

    def development_chunk(self, scheme_year, areas, deadlines, terms, count: int) -> None:
        from applications.assessment.models import (
            Assessment,
            Assignment,
            Decision,
            DecisionKind,
            DecisionLetter,
            Score,
        )
        from applications.development.models import (
            Application,
            ExemptionStatus,
            FundingYear,
            ImpartialityDeclaration,
            Receipt,
        )
        from applications.development.models import Status as S
        from grants.models import Grant, PlannedYear

        rng, people, year = self.rng, self.people, scheme_year.year
        deadline = scheme_year.application_deadline or dt.date(year, 2, 19)
        decided_on = dt.date(year, 4, 25)
        decided = self.happened(decided_on)
        apps, plan = [], []
        for _n in range(count):
            area = rng.choice(areas)
            if area.open_to_municipalities:
                organisation = self.busy if rng.random() < 0.05 else rng.choice(self.municipalities)
            else:
                organisation = rng.choice(self.counties)
            years = rng.choices((1, 2, 3), weights=(60, 25, 15))[0]
            submitted = at(deadline - dt.timedelta(days=rng.randrange(0, 40)), rng.randrange(8, 23))
            roll = rng.random()
            outcome = "dismissal" if roll < 0.06 else "award" if roll < 0.56 else "refusal"
            if not decided:
                outcome = None
            status = {
                None: S.IN_ASSESSMENT,
                "dismissal": S.DISMISSED,
                "award": S.AWARDED,
                "refusal": S.REFUSED,
            }[outcome]
            title = f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} {rng.choice(TAILS)}"
            signer = people.signatory[organisation.pk]
            app = Application(
                scheme_year=scheme_year,
                focus_area=area,
                organisation=organisation,
                status=status,
                case_number=self.case_number(year),
                title=title,
                summary=f"{title}: et prosjekt for nyankomne innvandrere i {organisation.name}.",
                goals="Flere deltakere i arbeid eller utdanning etter prosjektet.",
                target_group="Nyankomne innvandrere i introduksjonsprogrammet.",
                activities="Språkpraksis, mentorordning og samarbeid med lokale arbeidsgivere.",
                purpose_fit="Prosjektet svarer på ordningens formål og satsingsområdet.",
                implementation_capacity="Kommunen har gjennomført lignende prosjekter før.",
                transfer_value="Metoden og materiellet deles med andre kommuner.",
                products_free="Alt materiell publiseres fritt etter prosjektet.",
                participants=rng.randrange(10, 200),
                project_start=dt.date(year, rng.choice((3, 4, 5, 8)), 1),
                project_years=years,
                declares_no_ordinary_operation=True,
                declares_products_free=True,
                exemption_status=ExemptionStatus.NOT_NEEDED,
                created_by=people.applicant[organisation.pk],
                handed_over_at=submitted - dt.timedelta(days=1),
                handed_over_by=people.applicant[organisation.pk],
                submitted_at=submitted,
                submitted_by=signer,
                submission_count=1,
                receipt_version=1,
                created_at=submitted - dt.timedelta(days=rng.randrange(5, 60)),
                updated_at=submitted,
                decision_released_at=(
                    at(dt.date(year, 3, 5) if outcome == "dismissal" else decided_on)
                    if outcome
                    else None
                ),
            )
            apps.append(app)
            applied = [Decimal(rng.randrange(20, 200) * 10000) for _ in range(years)]
            plan.append((app, outcome, applied))
        self.tally.add(Application, apps, times=("created_at", "updated_at"))

        funding, receipts, assessments, assignments, scores, declarations = [], [], [], [], [], []
        decisions, letters, awards = [], [], []
        for app, outcome, applied in plan:
            for number, amount in enumerate(applied, start=1):
                funding.append(
                    FundingYear(
                        application=app,
                        year_number=number,
                        amount_applied=amount,
                        own_contribution=(amount * Decimal("0.2")).quantize(Decimal("1")),
                    )
                )
            receipts.append(
                Receipt(
                    application=app,
                    version=1,
                    file=self.files.pdf,
                    sha256=self.files.pdf_sha256,
                    language=app.organisation.letter_language,
                    emailed_at=app.submitted_at + dt.timedelta(minutes=2),
                )
            )
            assessors = rng.sample(people.caseworkers, 2)
            checked = at(dt.date(year, 3, 5), 10)
            assessment = Assessment(
                application=app,
                check_organisation_type=True,
                check_deadline_met=True,
                check_participants=outcome != "dismissal",
                check_own_contribution=True,
                check_approved_by_authority=True,
                check_notes="" if outcome != "dismissal" else "Færre enn ti deltakere.",
                checked_by=assessors[0],
                checked_at=checked,
            )
            assessments.append(assessment)
            for person in {*assessors, people.lead}:
                declarations.append(
                    ImpartialityDeclaration(application=app, user=person, has_conflict=False)
                )
            if outcome == "dismissal":
                decision = Decision(
                    application=app,
                    kind=DecisionKind.DISMISSAL,
                    grounds="Søknaden oppfyller ikke kravet om minst ti deltakere.",
                    rules_applied="Rundskriv 08-2025 punkt 5; forvaltningsloven § 2 b.",
                    decided_by=people.lead,
                )
                decisions.append(decision)
                sent = dt.date(year, 3, 5)
                letters.append((decision, sent, sent + dt.timedelta(days=rng.randrange(1, 6))))
                continue
            # Scores: awarded projects score higher than refused ones.
            high = outcome == "award" or (outcome is None and rng.random() < 0.5)
            totals = []
            for person in assessors:
                values = [rng.randrange(4, 7) if high else rng.randrange(1, 5) for _ in range(3)]
                totals.append(sum(values))
                assignments.append(
                    Assignment(
                        application=app,
                        assessor=person,
                        assigned_by=people.lead,
                        assigned_at=at(dt.date(year, 3, 6), 9),
                    )
                )
                scores.append(
                    Score(
                        application=app,
                        assessor=person,
                        purpose=values[0],
                        purpose_note="Godt begrunnet formål.",
                        capacity=values[1],
                        capacity_note="Kommunen har erfaring.",
                        transfer=values[2],
                        transfer_note="Kan overføres til andre kommuner.",
                        prio_large_or_multi_year=len(applied) > 1,
                        submitted_at=at(dt.date(year, 3, rng.randrange(10, 31)), 15),
                    )
                )
            assessment.scores_submitted = 2
            assessment.score_mean = Decimal(sum(totals)) / 2
            assessment.score_spread = abs(totals[0] - totals[1])
            assessment.is_flagged = assessment.score_spread >= scheme_year.score_spread_limit
            assessment.ranking_score = assessment.score_mean
            if outcome is None:
                continue
            agreed = [round((a + b) / 2) for a, b in zip(*_criteria(scores[-2:]), strict=True)]
            assessment.agreed_purpose, assessment.agreed_capacity, assessment.agreed_transfer = (
                agreed
            )
            assessment.agreed_total = sum(agreed)
            assessment.agreed_by = people.lead
            assessment.agreed_at = at(dt.date(year, 4, 10))
            assessment.ranking_score = Decimal(assessment.agreed_total)
            if outcome == "refusal":
                decision = Decision(
                    application=app,
                    kind=DecisionKind.REFUSAL,
                    grounds="Andre søknader i satsingsområdet ble vurdert som bedre.",
                    decided_by=people.lead,
                )
                decisions.append(decision)
                letters.append((decision, decided_on, None))
                continue
            share = Decimal(rng.choice(("1", "0.9", "0.8", "0.75", "0.6")))
            amounts = [(a * share).quantize(Decimal("1000")) for a in applied]
            assessment.proposed_amount = amounts[0]
            self.area_awarded[app.focus_area_id] += amounts[0]
            awards.append((app, amounts))
        self.tally.add(FundingYear, funding)
        self.tally.add(Receipt, receipts)
        self.tally.add(Assessment, assessments)
        self.tally.add(ImpartialityDeclaration, declarations)
        self.tally.add(Assignment, assignments, times=("assigned_at",))
        self.tally.add(Score, scores)

        # Awards: the grant of the first year, with planned later years and, where the later
        # year is configured and has begun, that year's grant too.
        grants, planned_rows, continuations = [], [], []
        for app, amounts in awards:
            organisation = app.organisation
            grant = Grant(
                case_number=app.case_number,
                organisation=organisation,
                scheme_year=scheme_year,
                amount=amounts[0],
                starts_on=app.project_start,
                ends_on=dt.date(year, 12, 31),
                bank_account_number=organisation.bank_account_number,
                created_by=people.lead,
            )
            grants.append(grant)
            decisions.append(
                Decision(
                    application=app,
                    kind=DecisionKind.AWARD,
                    amount=amounts[0],
                    grant=grant,
                    decided_by=people.lead,
                )
            )
            for offset, amount in enumerate(amounts[1:], start=1):
                later = year + offset
                self.planned_for_year[later] += amount
                planned = PlannedYear(grant=grant, year=later, amount=amount)
                planned_rows.append(planned)
                later_year = self.years.get(("development", later))
                if later_year is not None and self.happened(dt.date(later, 2, 15)):
                    continuation = Grant(
                        case_number=f"{app.case_number}-{later}",
                        organisation=organisation,
                        scheme_year=later_year,
                        amount=amount,
                        starts_on=dt.date(later, 1, 1),
                        ends_on=dt.date(later, 12, 31),
                        bank_account_number=organisation.bank_account_number,
                        created_by=people.lead,
                    )
                    continuations.append((continuation, app, planned))
        self.grants_follow_up(
            [
                (g, app, decided_on, deadlines, terms, None)
                for g, (app, _a) in zip(grants, awards, strict=True)
            ]
            + [
                (
                    g,
                    app,
                    dt.date(g.scheme_year.year, 2, 15),
                    list(g.scheme_year.report_deadlines.order_by("due_date")),
                    list(g.scheme_year.payment_terms.order_by("pay_on")),
                    planned,
                )
                for g, app, planned in continuations
            ],
            plan_rows=planned_rows,
        )
        for decision in decisions:
            decision.decided_at = at(
                dt.date(year, 3, 5) if decision.kind == "dismissal" else dt.date(year, 4, 20)
            )
        self.tally.add(Decision, decisions, times=("decided_at",))
        letter_rows = []
        for decision, sent, opened in letters:
            organisation = decision.application.organisation
            letter_rows.append(
                DecisionLetter(
                    decision=decision,
                    language=organisation.letter_language,
                    signed_by=scheme_year.budget_authority_name,
                    signer_title=scheme_year.budget_authority_title,
                    sent_on=sent,
                    opened_on=opened,
                    file=self.files.pdf,
                    sha256=self.files.pdf_sha256,
                    rendered_at=at(sent, 9),
                )
            )
        self.tally.add(DecisionLetter, letter_rows)
        self.appeals_on_dismissals([r for r in letter_rows if r.decision.kind == "dismissal"])

        for app, outcome, _applied in plan:
            organisation = app.organisation
            self.log(
                app,
                "imdi.application.submitted",
                people.signatory[organisation.pk],
                organisation,
                app.submitted_at,
                old_status="draft",
                new_status="submitted",
            )
            if outcome:
                action = {
                    "award": "imdi.assessment.awarded",
                    "refusal": "imdi.assessment.refused",
                    "dismissal": "imdi.assessment.dismissed",
                }[outcome]
                self.log(
                    app,
                    action,
                    people.lead,
                    organisation,
                    at(dt.date(year, 4, 20) if outcome != "dismissal" else dt.date(year, 3, 5)),
                    old_status="in_assessment",
                    new_status=app.status,
                )
        self.flush_audit()

    def grants_follow_up(self, rows: list, *, plan_rows: list) -> None:
        """Grant letters, acceptance, payments in terms, reports and reactions of development
        grants: ``rows`` are (grant, application, letter sent on, deadlines, terms, planned)."""
        from grants.models import (
            ClosingLetter,
            Grant,
            GrantLetter,
            GrantStatus,
            LetterStatus,
            Payment,
            PaymentStatus,
            PlannedYear,
        )
        from imdi_grants.lib.money import split_by_shares
        from reporting.models import Report, ReportStatus

        rng, people = self.rng, self.people
        kept, letters, payments, reports, closing = [], [], [], [], []
        reaction_candidates = []
        for row in rows:
            grant, app, sent, deadlines, terms, planned = row
            if planned is not None and planned.grant.status == GrantStatus.LAPSED:
                continue  # a later year is awarded only after the first was accepted
            kept.append(row)
            organisation = grant.organisation
            signer = people.signatory[organisation.pk]
            lapsed = rng.random() < 0.02
            deadline = sent + dt.timedelta(days=grant.scheme_year.acceptance_window_days)
            accepted = at(sent + dt.timedelta(days=rng.randrange(2, 12)), 10)
            letter = GrantLetter(
                grant=grant,
                version=1,
                status=LetterStatus.LAPSED if lapsed else LetterStatus.ACCEPTED,
                sent_on=sent,
                acceptance_deadline=deadline,
                accepted_at=None if lapsed else accepted,
                accepted_by=None if lapsed else signer,
                signed_by=grant.scheme_year.budget_authority_name,
                signer_title=grant.scheme_year.budget_authority_title,
                details=_award_details(app, grant, deadlines),
                amount=grant.amount,
                language=organisation.letter_language,
                file=self.files.pdf,
                sha256=self.files.pdf_sha256,
                rendered_at=at(sent, 9),
            )
            letters.append(letter)
            grant.letter_sent_on, grant.acceptance_deadline = sent, deadline
            amounts = split_by_shares(grant.amount, [t.share_percent for t in terms])
            grant_payments = [
                Payment(grant=grant, term=t.kind, due_on=t.pay_on, amount=a)
                for t, a in zip(terms, amounts, strict=True)
            ]
            payments += grant_payments
            if lapsed:
                grant.status = GrantStatus.LAPSED
                continue
            grant.status = GrantStatus.ACCEPTED
            grant.accepted_at, grant.accepted_by = accepted, signer
            grant_reports = [
                self.report(
                    grant,
                    d,
                    signatory=signer,
                    applicant=people.applicant[organisation.pk],
                    reception=False,
                )
                for d in deadlines
            ]
            reports += grant_reports
            status_ok = all(
                r.status == ReportStatus.APPROVED for r in grant_reports if r.kind == "status"
            )
            for payment in grant_payments:
                held = payment.term == "autumn" and not status_ok
                if self.happened(payment.due_on) and not held:
                    payment.status = PaymentStatus.APPROVED
                    payment.payment_date = payment.due_on
                    payment.organisation_number = organisation.organisation_number or ""
                    payment.bank_account_number = grant.bank_account_number
            if all(p.status == PaymentStatus.APPROVED for p in grant_payments):
                grant.status = GrantStatus.PAID
                last_due = max(r.due_date for r in grant_reports)
                if (
                    all(r.status == ReportStatus.APPROVED for r in grant_reports)
                    and self.happened(last_due + dt.timedelta(days=90))
                    and rng.random() < 0.8
                ):
                    grant.status = GrantStatus.CLOSED
                    closed_on = last_due + dt.timedelta(days=rng.randrange(30, 80))
                    closing.append(
                        ClosingLetter(
                            grant=grant,
                            language=organisation.letter_language,
                            signed_by=grant.scheme_year.budget_authority_name,
                            signer_title=grant.scheme_year.budget_authority_title,
                            sent_on=closed_on,
                            file=self.files.pdf,
                            sha256=self.files.pdf_sha256,
                            rendered_at=at(closed_on, 9),
                        )
                    )
                elif rng.random() < 0.04:
                    reaction_candidates.append((grant, "reclaim", grant_payments))
            elif rng.random() < 0.02 and any(
                p.status == PaymentStatus.PLANNED for p in grant_payments
            ):
                reaction_candidates.append((grant, "withholding", grant_payments))
        grants = [row[0] for row in kept]
        self.tally.add(Grant, grants)
        for grant, _app, _sent, _d, _t, planned in kept:
            if planned is not None:
                planned.continued_as = grant
        self.tally.add(PlannedYear, plan_rows)
        self.tally.add(GrantLetter, letters)
        self.tally.add(ClosingLetter, closing)
        self.reactions(reaction_candidates)
        self.batches.assign(payments)
        self.tally.add(Payment, payments)
        self.tally.add(Report, reports)
        for grant in grants:
            if grant.accepted_at:
                self.log(
                    grant,
                    "imdi.grant.accepted",
                    grant.accepted_by,
                    grant.organisation,
                    grant.accepted_at,
                    old_status="letter_issued",
                    new_status="accepted",
                )

    def reactions(self, candidates: list) -> None:
        """Reclaims on paid grants (half paid back) and withholding of a term still planned,
        decided and their letters sent; some appealed."""
        from grants.models import Reaction, ReactionStatus, Repayment

        rng, people = self.rng, self.people
        rows, repayments = [], []
        for grant, kind, payments in candidates:
            year = grant.scheme_year.year
            if kind == "reclaim":
                amount = (grant.amount * Decimal("0.1")).quantize(Decimal("1000"))
                decided = dt.date(year + 1, 3, 10)
            else:
                planned = [p for p in payments if p.status == "planned"][-1]
                amount = (planned.amount * Decimal("0.5")).quantize(Decimal("1000"))
                planned.withheld = amount
                decided = min(self.today, dt.date(year, 10, 1))
            if not self.happened(decided) or amount < 1:
                continue
            proposer = rng.choice(people.caseworkers)
            reaction = Reaction(
                grant=grant,
                kind=kind,
                amount=amount,
                grounds="Midlene er ikke brukt i samsvar med tilskuddsbrevet.",
                status=ReactionStatus.APPROVED,
                due_on=decided + dt.timedelta(days=30) if kind == "reclaim" else None,
                proposed_by=proposer,
                proposed_at=at(decided - dt.timedelta(days=7)),
                decided_by=people.admin,
                decided_at=at(decided),
                language=grant.organisation.letter_language,
                signed_by=grant.scheme_year.budget_authority_name,
                signer_title=grant.scheme_year.budget_authority_title,
                sent_on=decided,
                opened_on=decided + dt.timedelta(days=2),
                file=self.files.pdf,
                sha256=self.files.pdf_sha256,
                rendered_at=at(decided, 9),
            )
            rows.append(reaction)
            if kind == "reclaim" and rng.random() < 0.5 and self.happened(reaction.due_on):
                repayments.append(
                    Repayment(
                        grant=grant,
                        amount=amount,
                        received_on=reaction.due_on,
                        reason="Tilbakebetaling etter krav.",
                        recorded_by=proposer,
                    )
                )
        self.tally.add(Reaction, rows)
        self.tally.add(Repayment, repayments)
        self.appeals_on_reactions([r for r in rows if rng.random() < 0.3])

    def appeals_on_dismissals(self, letters: list) -> None:
        from applications.appeals.models import Appeal

        rows = []
        for letter in letters:
            if self.rng.random() >= 0.4:
                continue
            decision = letter.decision
            received = letter.opened_on or letter.sent_on
            rows.append(
                self._appeal(
                    Appeal(decision=decision, organisation=decision.application.organisation),
                    received,
                    forward=True,
                )
            )
        self._appeals_save(rows)

    def appeals_on_reactions(self, reactions: list) -> None:
        from applications.appeals.models import Appeal

        rows = [
            self._appeal(
                Appeal(reaction=r, organisation=r.grant.organisation),
                r.opened_on or r.sent_on,
                forward=self.rng.random() < 0.5,
            )
            for r in reactions
        ]
        self._appeals_save(rows)

    def _appeal(self, appeal, received: dt.date, *, forward: bool):
        """An appeal lodged within the deadline; sent to AID after a month, and decided by AID
        three months after that (upheld), as far as today has come."""
        from applications.appeals.models import AidOutcome, AppealStatus
        from imdi_grants.lib.deadlines import appeal_deadline

        lodged = received + dt.timedelta(days=self.rng.randrange(3, 18))
        appeal.text = "Vi klager på vedtaket og ber om at det omgjøres."
        appeal.received_on = received
        appeal.deadline = appeal_deadline(received)
        appeal.lodged_by = self.people.signatory[appeal.organisation.pk]
        appeal.status = AppealStatus.LODGED
        appeal.lodged_at = at(lodged)
        forwarded = lodged + dt.timedelta(days=30)
        if forward and self.happened(forwarded):
            appeal.status = AppealStatus.FORWARDED
            appeal.handled_by = self.people.lead
            appeal.preparation = "IMDi fastholder vedtaket; saken sendes departementet."
            appeal.forwarded_on = forwarded
            decided = forwarded + dt.timedelta(days=90)
            if self.happened(decided):
                appeal.status = AppealStatus.DECIDED
                appeal.aid_outcome = AidOutcome.UPHELD
                appeal.aid_decided_on = decided
                appeal.aid_note = "Departementet stadfestet IMDis vedtak."
        return appeal

    def _appeals_save(self, rows: list) -> None:
        from applications.appeals.models import Appeal, AppealLetter, AppealLetterKind

        if not rows:
            return
        self.tally.add(Appeal, rows, times=("lodged_at",))
        letters = []
        for appeal in rows:
            if appeal.forwarded_on:
                letters.append(
                    AppealLetter(
                        appeal=appeal,
                        kind=AppealLetterKind.FORWARDING,
                        language=appeal.organisation.letter_language,
                        signed_by="Hanne Hansen",
                        signer_title="Avdelingsdirektør",
                        sent_on=appeal.forwarded_on,
                        file=self.files.pdf,
                        sha256=self.files.pdf_sha256,
                        rendered_at=at(appeal.forwarded_on, 9),
                    )
                )
            self.log(
                appeal,
                "imdi.appeal.lodged",
                appeal.lodged_by,
                appeal.organisation,
                appeal.lodged_at,
                new_status="lodged",
            )
        self.tally.add(AppealLetter, letters)

    def allocations_and_frames(self) -> None:
        """Each decided round's areas made final; budgets and frames set to what was awarded
        (plus room), so a round never shows more awarded than its frame."""
        from applications.assessment.models import AreaAllocation
        from schemes.models import FocusArea

        allocations, areas = [], []
        for year in YEARS:
            scheme_year = self.years["development", year]
            total = Decimal(0)
            for area in scheme_year.focus_areas.filter(is_open=True):
                awarded = self.area_awarded[area.pk]
                area.budget_amount = (awarded * Decimal("1.1") / 100000).quantize(
                    Decimal("1")
                ) * 100000 + 1000000
                total += area.budget_amount
                areas.append(area)
                if self.happened(dt.date(year, 4, 24)):
                    allocations.append(
                        AreaAllocation(
                            focus_area=area,
                            finalised_at=at(dt.date(year, 4, 24)),
                            finalised_by=self.people.lead,
                        )
                    )
            committed = self.planned_for_year[year]
            scheme_year.budget_frame = max(
                scheme_year.budget_frame or Decimal(0), total + committed
            )
            if self.happened(dt.date(year, 4, 25)):
                scheme_year.letters_issued_at = at(dt.date(year, 4, 25))
            scheme_year.save(update_fields=["budget_frame", "letters_issued_at"])
        FocusArea.objects.bulk_update(areas, ["budget_amount"])
        self.tally.add(AreaAllocation, allocations)

    # --- the integration reception grant ---------------------------------------------------
    def reception(self) -> None:
        from applications.reception.calculation import PlacePeriod, monthly_breakdown
        from applications.reception.models import (
            AcceptanceLetter,
            OfferStatus,
            PartnershipAgreement,
            PlaceCount,
            ReceptionAgreement,
            ReceptionOffer,
        )
        from grants.models import (
            ClosingLetter,
            Grant,
            GrantLetter,
            GrantStatus,
            LetterStatus,
            Payment,
            PaymentStatus,
        )
        from reporting.models import ProgrammeComponent, Report, ReportActivity, ReportStatus

        rng, people = self.rng, self.people
        count = min(len(self.municipalities), max(2, self.count // 50))
        others = [m for m in self.municipalities if m != self.busy]
        chosen = [self.busy, *rng.sample(others, count - 1)]
        agreements, partnerships, counts = [], [], []
        for organisation in chosen:
            start = dt.date(rng.choice((2024, 2024, 2024, 2025)), 1, 1)
            agreement = ReceptionAgreement(
                organisation=organisation, start_date=start, created_by=people.admin
            )
            agreement._places = [(start, rng.randrange(20, 150, 5))]
            if rng.random() < 0.3:
                agreement._places.append((dt.date(2025, 7, 1), rng.randrange(20, 150, 5)))
            agreements.append(agreement)
            partnerships.append(
                PartnershipAgreement(
                    organisation=organisation,
                    asylum_reception_centre=f"{organisation.short_name} asylmottak",
                    career_centre=f"Karrieresenteret i {organisation.short_name}",
                    nav_office=f"NAV {organisation.short_name}",
                    valid_from=start,
                    responsibilities="Mottaket melder beboere; NAV og karrieresenteret veileder.",
                    document=self.files.pdf,
                    document_original_name="partnerskapsavtale.pdf",
                    document_scan_status="clean",
                    document_scanned_at=at(start),
                )
            )
        self.tally.add(ReceptionAgreement, agreements)
        for agreement in agreements:
            counts += [
                PlaceCount(agreement=agreement, valid_from=day, places=places)
                for day, places in agreement._places
            ]
        self.tally.add(PlaceCount, counts)
        self.tally.add(PartnershipAgreement, partnerships)

        offers, acceptance, grants, letters, payments, reports, closing = [], [], [], [], [], [], []
        for year in YEARS:
            scheme_year = self.years["reception", year]
            deadlines = list(scheme_year.report_deadlines.order_by("due_date", "kind"))
            term = scheme_year.payment_terms.order_by("pay_on").first()
            offered, answered, sent = (
                dt.date(year, 1, 10),
                dt.date(year, 1, 25),
                dt.date(year, 2, 15),
            )
            for agreement in agreements:
                if not agreement.covers_year(year) or not self.happened(offered):
                    continue
                organisation = agreement.organisation
                signer = people.signatory[organisation.pk]
                lines = monthly_breakdown(
                    year=year,
                    rate_per_place_per_month=scheme_year.rate_per_place_per_month,
                    periods=[PlacePeriod(valid_from=d, places=p) for d, p in agreement._places],
                    start=agreement.start_date,
                    end=agreement.end_date,
                )
                amount = sum((line.amount for line in lines), Decimal(0))
                offer = ReceptionOffer(
                    organisation=organisation,
                    scheme_year=scheme_year,
                    agreement=agreement,
                    case_number=self.case_number(year),
                    status=OfferStatus.OFFERED,
                    amount=amount,
                )
                offers.append(offer)
                if self.happened(answered):
                    offer.status = OfferStatus.ACCEPTANCE_LETTER_SUBMITTED
                    acceptance.append(
                        AcceptanceLetter(
                            offer=offer,
                            municipality_name=organisation.name,
                            address=f"Postboks 1, {organisation.short_name}",
                            phone="12 34 56 78",
                            email=f"postmottak@{organisation.registry_number}.bench.example",
                            organisation_number=organisation.organisation_number or "",
                            bank_account_number=organisation.bank_account_number,
                            contact_persons=f"{signer.full_name}, prosjektleder",
                            prerequisites="Kommunen har lang erfaring med introduksjonsprogrammet.",
                            submitted_at=at(answered),
                            submitted_by=signer,
                        )
                    )
                if not self.happened(sent):
                    continue
                offer.status = OfferStatus.GRANTED
                accepted = at(sent + dt.timedelta(days=rng.randrange(2, 12)), 10)
                grant = Grant(
                    case_number=offer.case_number,
                    organisation=organisation,
                    scheme_year=scheme_year,
                    status=GrantStatus.ACCEPTED,
                    amount=amount,
                    starts_on=max(agreement.start_date, dt.date(year, 1, 1)),
                    ends_on=dt.date(year, 12, 31),
                    bank_account_number=organisation.bank_account_number,
                    letter_sent_on=sent,
                    acceptance_deadline=sent
                    + dt.timedelta(days=scheme_year.acceptance_window_days),
                    accepted_at=accepted,
                    accepted_by=signer,
                    created_by=people.admin,
                )
                offer.grant = grant
                grants.append(grant)
                letters.append(
                    GrantLetter(
                        grant=grant,
                        version=1,
                        status=LetterStatus.ACCEPTED,
                        sent_on=sent,
                        acceptance_deadline=grant.acceptance_deadline,
                        accepted_at=accepted,
                        accepted_by=signer,
                        signed_by=scheme_year.budget_authority_name,
                        signer_title=scheme_year.budget_authority_title,
                        details={
                            "rate": str(scheme_year.rate_per_place_per_month),
                            "lines": [
                                [ln.year, ln.month, ln.place_days, ln.days, str(ln.amount)]
                                for ln in lines
                            ],
                        },
                        amount=amount,
                        language=organisation.letter_language,
                        file=self.files.pdf,
                        sha256=self.files.pdf_sha256,
                        rendered_at=at(sent, 9),
                    )
                )
                payment = Payment(grant=grant, term=term.kind, due_on=term.pay_on, amount=amount)
                if self.happened(term.pay_on):
                    payment.status = PaymentStatus.APPROVED
                    payment.payment_date = term.pay_on
                    payment.organisation_number = organisation.organisation_number or ""
                    payment.bank_account_number = grant.bank_account_number
                    grant.status = GrantStatus.PAID
                payments.append(payment)
                grant_reports = [
                    self.report(
                        grant,
                        d,
                        signatory=signer,
                        applicant=people.applicant[organisation.pk],
                        reception=True,
                    )
                    for d in deadlines
                ]
                reports += grant_reports
                last_due = max(d.due_date for d in deadlines)
                if (
                    grant.status == GrantStatus.PAID
                    and all(r.status == ReportStatus.APPROVED for r in grant_reports)
                    and self.happened(last_due + dt.timedelta(days=90))
                    and rng.random() < 0.8
                ):
                    grant.status = GrantStatus.CLOSED
                    closed_on = last_due + dt.timedelta(days=60)
                    closing.append(
                        ClosingLetter(
                            grant=grant,
                            language=organisation.letter_language,
                            signed_by=scheme_year.budget_authority_name,
                            signer_title=scheme_year.budget_authority_title,
                            sent_on=closed_on,
                            file=self.files.pdf,
                            sha256=self.files.pdf_sha256,
                            rendered_at=at(closed_on, 9),
                        )
                    )
            if self.happened(sent) and agreements:
                scheme_year.letters_issued_at = at(sent)
                scheme_year.save(update_fields=["letters_issued_at"])
        self.tally.add(Grant, grants)
        self.tally.add(ReceptionOffer, offers)
        self.tally.add(AcceptanceLetter, acceptance)
        self.tally.add(GrantLetter, letters)
        self.batches.assign(payments)
        self.tally.add(Payment, payments)
        self.tally.add(Report, reports)
        activities = [
            ReportActivity(
                report=report,
                component=component,
                participants=rng.randrange(5, 60),
                description="Undervisning og praksis som planlagt.",
            )
            for report in reports
            if report.status != ReportStatus.DUE
            for component in (
                ProgrammeComponent.NORWEGIAN,
                ProgrammeComponent.SOCIAL_STUDIES,
                ProgrammeComponent.COMPETENCE_MAPPING,
            )
        ]
        self.tally.add(ReportActivity, activities)
        self.tally.add(ClosingLetter, closing)
        for offer in offers:
            self.log(
                offer,
                "imdi.reception.offered",
                people.admin,
                offer.organisation,
                at(dt.date(offer.scheme_year.year, 1, 10)),
                new_status="offered",
            )
        self.flush_audit()
        self.say(f"  reception: {len(agreements)} agreements, {len(offers)} offers")

    def next_round(self) -> None:
        """Next year's development round, configured from the last and open until its deadline,
        with drafts (one handed over for signature in the busiest municipality): what the
        applicants' start pages show in the autumn."""
        from django.utils import timezone

        from applications.development.models import Application, Status
        from schemes.services import _copy_year

        source = self.years["development", YEARS[-1]]
        scheme_year = _copy_year(source=source, year=YEARS[-1] + 1, is_demo=True)
        scheme_year.budget_authority_name = source.budget_authority_name
        scheme_year.budget_authority_title = source.budget_authority_title
        scheme_year.published_at = timezone.now()
        scheme_year.save(
            update_fields=["budget_authority_name", "budget_authority_title", "published_at"]
        )
        areas = list(scheme_year.focus_areas.filter(is_open=True, open_to_municipalities=True))
        drafts = []
        for n in range(max(2, self.count // 100)):
            organisation = self.busy if n < 2 else self.rng.choice(self.municipalities)
            helper = self.people.applicant[organisation.pk]
            drafts.append(
                Application(
                    scheme_year=scheme_year,
                    focus_area=self.rng.choice(areas),
                    organisation=organisation,
                    status=Status.DRAFT,
                    title=f"{self.rng.choice(WORDS)} {self.rng.choice(TAILS)}",
                    created_by=helper,
                    handed_over_at=at(self.today) if n == 0 else None,
                    handed_over_by=helper if n == 0 else None,
                )
            )
        self.tally.add(Application, drafts)

    def emails(self) -> None:
        """An e-mail to the organisation's signatory for each letter sent, and one in a thousand
        that gave up (the first always): what a person's messages and the pending work show."""
        from applications.assessment.models import DecisionLetter
        from grants.models import GrantLetter
        from imdi_grants.outbox.models import MessageStatus, OutboxMessage

        sources = (
            GrantLetter.objects.values_list(
                "pk", "sent_on", "grant__organisation_id", "grant__case_number"
            ),
            DecisionLetter.objects.values_list(
                "pk",
                "sent_on",
                "decision__application__organisation_id",
                "decision__application__case_number",
            ),
        )
        rows, made = [], 0
        for prefix, letters in zip(("letter", "decision"), sources, strict=True):
            for pk, sent, organisation_id, case in letters.order_by("pk").iterator(BATCH):
                if len(rows) == CHUNK:
                    made += len(self.tally.add(OutboxMessage, rows, times=("created_at",)))
                    rows = []
                user = self.people.signatory[organisation_id]
                failed = (made + len(rows)) == 0 or self.rng.random() < 0.001
                rows.append(
                    OutboxMessage(
                        key=f"{prefix}:{pk}:user:{user.pk}",
                        recipient=user,
                        to=user.email,
                        subject=f"Brev fra IMDi i sak {case}",
                        body="Du har fått et brev fra IMDi. Logg inn i portalen for å lese det.",
                        status=MessageStatus.FAILED if failed else MessageStatus.SENT,
                        attempts=8 if failed else 1,
                        last_error="550 5.1.1 mailbox unavailable" if failed else "",
                        next_attempt_at=at(sent, 9),
                        created_at=at(sent, 9),
                        sent_at=None if failed else at(sent, 9),
                    )
                )
        self.tally.add(OutboxMessage, rows, times=("created_at",))

    def finish(self) -> None:
        """Case-number sequences past the generated numbers, so a new case gets a new one."""
        from grants.models import CaseNumberSequence

        for year, last in self.case_numbers.items():
            CaseNumberSequence.objects.update_or_create(year=year, defaults={"last": last})


def _criteria(scores: list) -> list[list[int]]:
    return [[s.purpose, s.capacity, s.transfer] for s in scores]


def _award_details(app, grant, deadlines) -> dict:
    """What ``applications.assessment.letters.award_letter_details`` takes into the letter."""
    area = app.focus_area
    return {
        "title": app.title,
        "summary": app.summary,
        "goals": app.goals,
        "focus_area_number": area.number,
        "focus_area": {"nb": area.name, "nn": area.name_nn or area.name},
        "special_conditions": "",
        "project_years": app.project_years or 1,
        "includes_norwegian_training": app.includes_norwegian_training,
        "planned_years": [],
        "report_deadlines": [{"kind": d.kind, "due": str(d.due_date)} for d in deadlines],
    }


def generate(
    *,
    applications: int,
    today: dt.date | None = None,
    seed: int = 2026,
    say: Callable[[str], object] = print,
) -> dict[str, int]:
    """Fill an empty, migrated PostgreSQL database with ``applications`` development
    applications over three years and everything around them; returns the rows per table."""
    from django.db import connection, transaction

    from imdi_grants.lib.deadlines import today_in_oslo

    if connection.vendor != "postgresql":
        raise RuntimeError("The volume data is for PostgreSQL (bulk_create returns the keys).")
    generator = Generator(
        applications=applications, today=today or today_in_oslo(), seed=seed, say=say
    )
    with transaction.atomic():
        generator.prepare()
        generator.development()
        generator.next_round()
        generator.reception()
        generator.emails()
        generator.finish()
    return dict(sorted(generator.tally.rows.items()))


# --- the command line ------------------------------------------------------------------------


def check_pages(*, say: Callable[[str], object] = print) -> list[str]:
    """Fetch a sample of pages as the lead caseworker, the administrator and an applicant with
    Django's test client, printing the time and queries of each; returns the pages that did
    not answer 200."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from applications.appeals.models import Appeal
    from applications.assessment.models import Decision, DecisionLetter
    from applications.development.models import Application
    from applications.reception.models import ReceptionAgreement, ReceptionOffer
    from grants.models import Grant, GrantLetter, Reaction
    from imdi_grants.accounts.models import Membership, Organisation, User
    from reporting.models import Report
    from schemes.models import FocusArea, SchemeYear

    lead = User.objects.get(email="bench-lead@imdi.example")
    admin = User.objects.get(email="bench-admin@imdi.example")
    busy = Organisation.objects.get(municipality_number=BUSY_MUNICIPALITY)
    signatory = Membership.objects.get(organisation=busy, role="signatory").user

    def first(qs):
        return qs.order_by("?").first()

    award = first(Decision.objects.filter(kind="award", application__organisation=busy))
    refusal_letter = first(DecisionLetter.objects.filter(decision__kind="refusal"))
    dev_grant = first(Grant.objects.filter(scheme_year__scheme__code="development"))
    offer = first(ReceptionOffer.objects.filter(grant__isnull=False))
    report = first(Report.objects.exclude(status="due"))
    reception_report = first(Report.objects.filter(grant__scheme_year__scheme__code="reception"))
    appeal = first(Appeal.objects.all())
    reaction = first(Reaction.objects.all())
    year = SchemeYear.objects.get(scheme__code="development", year=YEARS[-1])
    area = first(FocusArea.objects.filter(is_open=True, scheme_year=year))
    application = first(Application.objects.filter(organisation=busy))
    letter = first(GrantLetter.objects.filter(grant__organisation=busy))
    staff_pages = [
        "/",
        reverse("assessment:queue"),
        reverse("assessment:queue") + "?order=-score",
        reverse("assessment:case", args=[award.application_id]),
        reverse("assessment:decision", args=[award.application_id]),
        reverse("assessment:decision_letter", args=[refusal_letter.decision.application_id]),
        reverse("assessment:ranking", args=[area.pk]),
        reverse("assessment:frame", args=[year.pk]),
        reverse("grants:payments"),
        reverse("grants:grant_detail", args=[dev_grant.pk]),
        reverse("grants:grant_money", args=[dev_grant.pk]),
        reverse("grants:letter_pdf", args=[dev_grant.letters.first().pk]),
        reverse("reporting:report_detail", args=[report.pk]),
        reverse("reporting:report_detail", args=[reception_report.pk]),
        reverse("accounts:organisation_list"),
        reverse("accounts:organisation_detail", args=[busy.pk]),
        reverse("appeals:list"),
        reverse("pending_work"),
        reverse("open_data"),
        reverse("reception:grant_list"),
        reverse("reception:agreement_list"),
        reverse("reception:agreement_detail", args=[ReceptionAgreement.objects.first().pk]),
        reverse("reception:grant_detail", args=[offer.pk]),
    ]
    if appeal:
        staff_pages.append(reverse("appeals:detail", args=[appeal.pk]))
    if reaction:
        staff_pages.append(reverse("grants:grant_money", args=[reaction.grant_id]))
    with suppress(NoReverseMatch):  # the dashboard, where it is installed
        staff_pages += [reverse("oversight:dashboard"), reverse("oversight:statistics")]
    admin_pages = [
        "/",
        reverse("audit:list"),
        "/revisjon/?q=2025",
        reverse("assessment:declarations"),
    ]
    own_report = first(Report.objects.filter(grant__organisation=busy))
    applicant_pages = [
        "/",
        reverse("development:list"),
        reverse("development:detail", args=[application.pk]),
        reverse("appeals:list"),
        reverse("reception:grant_list"),
        reverse("outbox:my_messages"),
        reverse("reporting:report_detail", args=[own_report.pk]),
    ]
    if letter:
        applicant_pages.append(reverse("grants:grant_detail", args=[letter.grant_id]))
    failed = []
    for user, pages in (
        (lead, staff_pages),
        (admin, admin_pages),
        (signatory, applicant_pages),
        (None, [reverse("open_data")]),
    ):
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in pages:
            client.get(url, follow=True)  # the templates and caches warm
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, follow=True)
            took = (time.perf_counter() - start) * 1000
            say(
                f"  {response.status_code} {took:6.0f} ms {len(queries):3} queries  "
                f"{user.email if user else 'anonymous':28} {url}"
            )
            if response.status_code != 200:
                failed.append(f"{user} {url}: {response.status_code}")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--check", action="store_true", help="fetch a sample of pages after")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imdi_bench")
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ.setdefault("DEMO_MODE", "false")
    os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "imdi_bench_media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imdi_grants.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench.database import recreate_bench_database

    name = recreate_bench_database()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    print(f"{name}: migrated in {migrated - started:.1f} s; generating {args.applications}")
    rows = generate(applications=args.applications, seed=args.seed)
    generated = time.perf_counter()
    connection.cursor().execute("ANALYZE")
    for label, count in rows.items():
        print(f"  {label:36} {count:>9,}".replace(",", " "))
    print(
        f"{sum(rows.values()):,} rows in {generated - migrated:.1f} s "
        f"({os.cpu_count()} CPUs, PostgreSQL {connection.pg_version // 10000})".replace(",", " ")
    )
    if args.check:
        setup_test_environment()
        failed = check_pages()
        if failed:
            sys.exit("Pages that failed:\n" + "\n".join(failed))
        print("Every page checked answered 200.")


if __name__ == "__main__":
    main()
