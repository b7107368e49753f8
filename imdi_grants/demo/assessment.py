"""A development-grant round in assessment, so that every screen of the assessment can be tried
from ``make run``.

This year's development round (the demo copy of the last official year, whose application
deadline in February has passed) gets fourteen complete applications from real municipalities
and county municipalities, submitted before the deadline and taken through the assessment's own
services by the demo staff, each of whom first declares their impartiality:

- area 1 and area 2 are in assessment: scored, ranked, some with an agreed score and a proposed
  amount, so the ranking shows a cut line where the proposals pass the area's budget; one has a
  large spread between the assessors (flagged), one an assessor's draft, one only one score;
- area 4 (two awards and a refusal) and area 5 (Asker's and Drammen's awards) are decided, made
  final and their letters sent; the grants then go on through the follow-up (``follow_up.py``);
- Bergen's application in area 5 failed the formal check and is dismissed with grounds;
- Drammen's "Språk og arbeid i Drammen" (area 1) and its area-2 application are left submitted
  and untouched, for a person (or the browser test) to take through the whole assessment.

Every date comes from the round itself, so the demo reads the same whatever the day. Loaded only
in demo mode; running it again changes nothing (a round that already has applications is left as
it is).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from applications.assessment import services as assessment
from applications.assessment.models import FORMAL_CHECKS
from applications.development.models import (
    Application,
    BudgetLine,
    EarlierProject,
    FundingYear,
    Status,
)
from applications.development.services import application_submit, impartiality_declare
from imdi_grants.accounts.models import MembershipRole, Organisation, User
from imdi_grants.accounts.services import membership_set, user_create
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.deadlines import OSLO, today_in_oslo
from schemes.models import FocusArea, SchemeCode, SchemeYear

from .follow_up import demo_follow_up_load
from .users import DEMO_PASSWORD, demo_users_load

#: The round's frame (Rundskriv 08-2025: up to NOK 51.5 million) and the areas' shares of it;
#: area 3 is governed by another circular and gets nothing.
FRAME = Decimal("51500000")
AREA_BUDGETS = {
    1: Decimal("12500000"),
    2: Decimal("12000000"),
    3: Decimal("0"),
    4: Decimal("12000000"),
    5: Decimal("12000000"),
}

LEAD = "lead@imdi.example"
ASSESSORS = ("caseworker@imdi.example", "caseworker2@imdi.example")
CONFLICTED = "caseworker3@imdi.example"

RULES_APPLIED = (
    "Rundskriv 08-2025, «Vilkår for å få tilskudd»; forvaltningsloven § 2 første ledd bokstav b."
)


@dataclass(frozen=True)
class Applicant:
    """A demo organisation: its signatory (a demo user) and the contact details letters use."""

    number: str  # municipality number, or the county number of a county municipality
    slug: str
    signatory: str
    job_title: str
    postal_address: str
    postal_code: str
    postal_place: str


APPLICANTS = {
    a.number: a
    for a in (
        # Drammen's users and contact details come with the demo users (users.py).
        Applicant("3301", "drammen", "", "", "", "", ""),
        Applicant("0301", "oslo", "Ingrid Berge", "Etatsdirektør", "Postboks 30", "0030", "Oslo"),
        Applicant(
            "5001",
            "trondheim",
            "Håkon Lie",
            "Kommunedirektør",
            "Postboks 2300",
            "7004",
            "Trondheim",
        ),
        Applicant(
            "1103",
            "stavanger",
            "Marte Vik",
            "Kommunedirektør",
            "Postboks 8001",
            "4068",
            "Stavanger",
        ),
        Applicant(
            "5501", "tromso", "Nils Eriksen", "Kommunedirektør", "Postboks 6900", "9299", "Tromsø"
        ),
        Applicant(
            "4204",
            "kristiansand",
            "Liv Aasen",
            "Kommunedirektør",
            "Postboks 4",
            "4685",
            "Nodeland",
        ),
        Applicant(
            "3201", "baerum", "Tor Haugen", "Kommunedirektør", "Postboks 700", "1304", "Sandvika"
        ),
        Applicant("1804", "bodo", "Eva Nilsen", "Kommunedirektør", "Postboks 319", "8001", "Bodø"),
        Applicant("4601", "bergen", "Arne Dale", "Byrådsleder", "Postboks 7700", "5020", "Bergen"),
        Applicant(
            "3203", "asker", "Hilde Strand", "Kommunedirektør", "Postboks 353", "1372", "Asker"
        ),
        Applicant(
            "3107",
            "fredrikstad",
            "Jon Holm",
            "Kommunedirektør",
            "Postboks 1405",
            "1602",
            "Fredrikstad",
        ),
        Applicant(
            "46", "vestland", "Kari Brekke", "Fylkesdirektør", "Postboks 7900", "5020", "Bergen"
        ),
        Applicant(
            "50", "trondelag", "Ole Moen", "Fylkesdirektør", "Postboks 2560", "7735", "Steinkjer"
        ),
        Applicant(
            "11", "rogaland", "Siv Tjelta", "Fylkesdirektør", "Postboks 130", "4001", "Stavanger"
        ),
    )
}

#: The assessors' justifications, by criterion and score.
NOTES = {
    "purpose": {
        6: "Svært godt i tråd med ordningens formål og satsingsområdet.",
        5: "Godt i tråd med formålet; målgruppen og målene er tydelige.",
        4: "I tråd med formålet, men målene kunne vært mer konkrete.",
        3: "Delvis i tråd med formålet; koblingen til satsingsområdet er svak.",
        2: "Svak kobling til ordningens formål.",
        1: "Ikke i tråd med ordningens formål.",
    },
    "capacity": {
        6: "Erfaren prosjektorganisasjon med realistisk plan og tydelig forankring.",
        5: "God plan og erfaren prosjektgruppe; enkelte risikoer er lite omtalt.",
        4: "Gjennomførbar plan, men ressursene er knappe for aktivitetene.",
        3: "Planen er lite konkret; usikkert om aktivitetene når målene.",
        2: "Svak plan og uklar organisering.",
        1: "Søknaden viser ikke at prosjektet kan gjennomføres.",
    },
    "transfer": {
        6: "Metoden og produktene kan tas i bruk i de fleste kommuner.",
        5: "Høy overføringsverdi; produktene deles åpent.",
        4: "Noe overføringsverdi, særlig for kommuner av samme størrelse.",
        3: "Begrenset overføringsverdi; tiltaket er svært lokalt.",
        2: "Lite som kan overføres til andre.",
        1: "Ingen overføringsverdi.",
    },
}


@dataclass(frozen=True)
class Plan:
    """One demo application and how far the assessment has come with it."""

    org: str
    area: int
    title: str
    summary: str
    applied: tuple[int, ...]  # the amount applied for in each project year
    stage: str  # submitted, draft_score, scored, agreed, awarded, refused, dismissed
    scores: tuple[tuple[int, int, int], ...] = ()  # (purpose, capacity, transfer) per assessor
    agreed: tuple[int, int, int] | None = None
    proposed: int | None = None
    award: int | None = None
    special_conditions: str = ""
    grounds: str = ""
    comment: str = ""
    conflict: str = ""  # caseworker3 declares a conflict of interest, with this explanation
    participants: int = 15
    partners: tuple[str, ...] = ()
    fields: dict[str, Any] = field(default_factory=dict)
    days_before_deadline: int = 3


NORWEGIAN_TRAINING = {
    "has_norwegian_training": True,
    "includes_norwegian_training": True,
    "curriculum_tie": (
        "Temaene følger læreplanen i norsk for voksne innvandrere, kompetansemål for muntlig "
        "kommunikasjon i arbeidslivet."
    ),
    "right_to_training": (
        "Deltakerne beholder sin ordinære opplæring; språkpraksisen kommer i tillegg og "
        "samordnes med voksenopplæringen."
    ),
}
PSYCHOLOGICAL_SUPPORT = {
    "supportive_not_treatment": True,
    "local_characteristics": (
        "Lavterskel samtalegrupper i introduksjonsprogrammet, ledet av helsesykepleier og "
        "programrådgiver sammen."
    ),
    "interdisciplinary_cooperation": (
        "Flyktningtjenesten, helsetjenesten og voksenopplæringen planlegger og gjennomfører "
        "tiltaket sammen."
    ),
    "other_actors": "Kommunens psykiske helsetjeneste og fastlegene.",
}
WELCOME = {
    "regional_dialogue": (
        "Tiltaket er utviklet i dialog med kommunene i fylket, politiet, Skatteetaten og Nav; "
        "partene i arbeidslivet er invitert inn i styringsgruppen."
    ),
    "other_actors": "Politiet, Skatteetaten, Nav og arbeidsgiverorganisasjonene.",
}
DIVERSITY = {
    "plan_anchoring": (
        "Tiltakene er en del av kommunens handlingsplan mot rasisme og diskriminering."
    ),
    "employee_involvement": "Tillitsvalgte og verneombud er med i prosjektgruppen.",
}

PLANS = (
    # --- Area 1: left for the browser test (and for a person to try), then in assessment -------
    Plan(
        "3301",
        1,
        "Språk og arbeid i Drammen",
        "Deltakere i introduksjonsprogrammet får språkpraksis med veileder på kommunale "
        "arbeidsplasser, koblet til norskopplæringen.",
        (800_000, 800_000),
        "submitted",
        participants=24,
        fields={
            **NORWEGIAN_TRAINING,
            "university_supervisor": "Universitetet i Sørøst-Norge, Institutt for språkfag",
        },
        days_before_deadline=2,
    ),
    Plan(
        "0301",
        1,
        "Arbeidsrettet norsk med sosiale entreprenører",
        "Kvinner i introduksjonsprogrammet lærer norsk i arbeid hos en sosial entreprenør, med "
        "deltakerstønad i praksisperioden.",
        (6_500_000, 6_000_000),
        "agreed",
        scores=((6, 5, 5), (5, 5, 6)),
        agreed=(6, 5, 5),
        proposed=6_000_000,
        participants=60,
        fields={
            "has_social_entrepreneur": True,
            "entrepreneur_name": "Språkverkstedet SA",
            "entrepreneur_organisation_number": "917204438",
            "entrepreneur_form": "voluntary",
            "entrepreneur_no_dividends": True,
            "entrepreneur_business_model": (
                "Selger kantinetjenester til kommunale virksomheter; overskuddet går tilbake til "
                "opplæringen."
            ),
            "voluntary_organisations": "Språkverkstedet SA",
            "voluntary_funded_by_imdi": True,
        },
        days_before_deadline=9,
    ),
    Plan(
        "5001",
        1,
        "Digital norskopplæring med veiledning fra NTNU",
        "Lærere i voksenopplæringen prøver ut digitale arbeidsmåter i norskopplæringen, med "
        "veiledning fra NTNU.",
        (5_000_000, 4_500_000, 4_000_000),
        "agreed",
        scores=((5, 5, 4), (4, 5, 4)),
        agreed=(5, 5, 4),
        proposed=4_500_000,
        conflict="Ektefellen min er prosjektleder i Trondheim kommune.",
        participants=40,
        partners=("5028",),
        fields={**NORWEGIAN_TRAINING, "university_supervisor": "NTNU, Institutt for språk"},
        days_before_deadline=5,
    ),
    Plan(
        "1103",
        1,
        "Jobbspor for kvinner",
        "Et arbeidsrettet løp for kvinner i introduksjonsprogrammet, med mentorer fra lokalt "
        "næringsliv.",
        (3_200_000,),
        "agreed",
        scores=((4, 4, 3), (4, 3, 4)),
        agreed=(4, 4, 3),
        proposed=3_000_000,
        participants=20,
        partners=("1108",),
        days_before_deadline=1,
    ),
    # --- Area 2: Drammen's left for the dismissal in the browser test; the rest in assessment ---
    Plan(
        "3301",
        2,
        "Trygg hverdag – psykisk støtte i introduksjonsprogrammet",
        "Samtalegrupper om hverdagsmestring for nyankomne, ledet av helsesykepleier og "
        "programrådgiver.",
        (600_000,),
        "submitted",
        participants=12,
        fields=PSYCHOLOGICAL_SUPPORT,
        days_before_deadline=2,
    ),
    Plan(
        "5501",
        2,
        "Samtalegrupper om stress og søvn",
        "Forebyggende samtalegrupper om stress, søvn og mestring for nyankomne flyktninger.",
        (5_200_000, 5_000_000),
        "agreed",
        scores=((5, 5, 5), (5, 4, 5)),
        agreed=(5, 5, 5),
        proposed=5_000_000,
        participants=45,
        fields=PSYCHOLOGICAL_SUPPORT,
        days_before_deadline=7,
    ),
    Plan(
        "4204",
        2,
        "Mestringskurs for nyankomne",
        "Kurs i mestring og psykisk helse for nyankomne, i samarbeid med frivillige "
        "organisasjoner.",
        (4_800_000,),
        "scored",
        scores=((6, 5, 5), (3, 3, 4)),
        proposed=4_500_000,
        comment="Stor avstand mellom vurderingene av gjennomføringsevnen; tas opp i fagmøtet.",
        participants=30,
        fields=PSYCHOLOGICAL_SUPPORT,
        days_before_deadline=4,
    ),
    Plan(
        "3201",
        2,
        "Foreldreveiledning og psykisk helse",
        "Foreldreveiledningsgrupper for nyankomne familier, med vekt på barns psykiske helse.",
        (4_000_000, 4_000_000),
        "agreed",
        scores=((4, 4, 4), (4, 4, 3)),
        agreed=(4, 4, 4),
        proposed=4_000_000,
        participants=25,
        fields=PSYCHOLOGICAL_SUPPORT,
        days_before_deadline=6,
    ),
    Plan(
        "1804",
        2,
        "Psykisk førstehjelp i flyktningtjenesten",
        "Ansatte i flyktningtjenesten lærer psykisk førstehjelp og lager en veileder for andre "
        "kommuner.",
        (1_500_000,),
        "draft_score",
        participants=18,
        fields=PSYCHOLOGICAL_SUPPORT,
        days_before_deadline=1,
    ),
    # --- Area 4: decided, made final and its letters sent --------------------------------------
    Plan(
        "46",
        4,
        "Velkommen til Vestland – regionalt velkomsttilbud",
        "Et regionalt velkomsttilbud for arbeidsinnvandrere og familiene deres, i samarbeid med "
        "kommunene i fylket.",
        (4_500_000, 4_000_000),
        "awarded",
        scores=((5, 5, 5), (5, 5, 4)),
        agreed=(5, 5, 5),
        award=4_000_000,
        special_conditions=(
            "Fylkeskommunen skal dele en beskrivelse av velkomsttilbudet med de andre "
            "fylkeskommunene innen utgangen av prosjektåret."
        ),
        participants=200,
        partners=("4601",),
        fields=WELCOME,
        days_before_deadline=8,
    ),
    Plan(
        "50",
        4,
        "Velkomstsenter for arbeidsinnvandrere i Trøndelag",
        "Et velkomstsenter der nye innbyggere får informasjon fra politi, Skatteetaten og Nav på "
        "ett sted.",
        (3_500_000,),
        "awarded",
        scores=((5, 4, 5), (4, 4, 5)),
        agreed=(5, 4, 5),
        award=3_500_000,
        participants=150,
        partners=("5001",),
        fields=WELCOME,
        days_before_deadline=3,
    ),
    Plan(
        "11",
        4,
        "Velkomstpakke for nye innbyggere",
        "En digital velkomstpakke med informasjon om rettigheter og plikter for nye innbyggere.",
        (2_500_000,),
        "refused",
        scores=((3, 4, 3), (3, 3, 4)),
        agreed=(3, 4, 3),
        grounds=(
            "Søknaden er vurdert opp mot de andre søknadene under satsingsområde 4. Den fikk "
            "10 av 18 poeng og nådde ikke opp innenfor områdets ramme: tiltaket er i hovedsak "
            "informasjon på nett, og samarbeidet med kommunene og de regionale statlige "
            "aktørene er lite beskrevet."
        ),
        participants=100,
        fields=WELCOME,
        days_before_deadline=1,
    ),
    # --- Area 5: one dismissed, one half scored ------------------------------------------------
    Plan(
        "4601",
        5,
        "Mangfold i kommunen som arbeidsplass",
        "Kurs for ledere og ansatte om mangfold og diskriminering på arbeidsplassen.",
        (1_200_000,),
        "dismissed",
        grounds=(
            "Søknaden er sendt inn av en ansatt som ikke har fullmakt til å forplikte kommunen, "
            "og den er ikke godkjent av kommunedirektøren. Rundskrivet krever at søknaden er "
            "godkjent av kommunedirektør, bydelsdirektør eller en ansatt med fullmakt."
        ),
        participants=30,
        fields=DIVERSITY,
        days_before_deadline=1,
    ),
    Plan(
        "3203",
        5,
        "Antirasisme i skole og fritid",
        "Ungdom, skoler og fritidsklubber lager sammen tiltak mot rasisme og diskriminering.",
        (2_000_000, 2_000_000),
        "awarded",
        scores=((5, 4, 4), (5, 4, 5)),
        agreed=(5, 4, 4),
        award=1_800_000,
        participants=80,
        fields=DIVERSITY,
        days_before_deadline=10,
    ),
    Plan(
        "3301",
        5,
        "Likeverdige tjenester i Drammen kommune",
        "Ledere og ansatte i kommunens tjenester lærer å oppdage og motvirke diskriminering i "
        "møte med innbyggerne.",
        (900_000,),
        "awarded",
        scores=((5, 5, 4), (4, 5, 4)),
        agreed=(5, 5, 4),
        award=850_000,
        participants=60,
        fields=DIVERSITY,
        days_before_deadline=4,
    ),
    # --- Area 2 again: one assessor has scored, the other not yet ------------------------------
    Plan(
        "3107",
        2,
        "Helsefremmende samtaler for nyankomne foreldre",
        "Helsestasjonen og flyktningtjenesten holder samtalegrupper om helse og hverdagsliv for "
        "nyankomne foreldre.",
        (1_400_000,),
        "scored",
        scores=((4, 4, 5),),
        participants=28,
        fields=PSYCHOLOGICAL_SUPPORT,
        days_before_deadline=6,
    ),
)


@dataclass(frozen=True)
class DemoRound:
    """What ``demo_round_load`` found or made: the round, and its applications by status."""

    scheme_year: SchemeYear
    created: bool
    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def _mod11(digits: str, weights: tuple[int, ...]) -> str | None:
    remainder = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return None if remainder == 10 else str(remainder % 11)


def demo_bank_account_number(registry_number: str) -> str:
    """A made-up but valid (MOD11) eleven-digit account number for a demo organisation."""
    for variant in range(10):
        digits = f"15062{variant}{registry_number.rjust(4, '0')}"
        check = _mod11(digits, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
        if check is not None:
            return digits + check
    raise ValueError(registry_number)  # pragma: no cover: one of ten variants always fits


def _organisation(number: str) -> Organisation:
    if len(number) == 4:
        return Organisation.objects.get(municipality_number=number)
    return Organisation.objects.get(county_number=number, is_county_municipality=True)


def _signatory(applicant: Applicant, organisation: Organisation) -> User:
    """The organisation's demo signatory, who approves and submits its application."""
    email = f"signatory@{applicant.slug}.example"
    user = User.objects.filter(email=email).first() or user_create(
        email=email,
        full_name=applicant.signatory,
        job_title=applicant.job_title,
        password=DEMO_PASSWORD,
    )
    membership_set(user=user, organisation=organisation, role=MembershipRole.SIGNATORY)
    return user


def _contact_details(applicant: Applicant, organisation: Organisation) -> None:
    """Fill in what letters and awards need, where an administrator has not already."""
    changed = []
    if applicant.postal_address and not organisation.postal_address:
        organisation.postal_address = applicant.postal_address
        organisation.postal_code = applicant.postal_code
        organisation.postal_place = applicant.postal_place
        organisation.email = organisation.email or f"postmottak@{applicant.slug}.example"
        changed += ["postal_address", "postal_code", "postal_place", "email"]
    if not organisation.bank_account_number:
        organisation.bank_account_number = demo_bank_account_number(organisation.registry_number)
        changed.append("bank_account_number")
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])


def _submitted_at(scheme_year: SchemeYear, plan: Plan, index: int) -> dt.datetime:
    """A moment before the round's deadline (Oslo time), and never in the future."""
    day = scheme_year.application_deadline - dt.timedelta(days=plan.days_before_deadline)
    at = dt.datetime.combine(day, dt.time(9 + index % 7, 5 * index % 60), tzinfo=OSLO)
    return min(at, timezone.now() - dt.timedelta(minutes=60 - index))


def _application(
    plan: Plan, scheme_year: SchemeYear, area: FocusArea, organisation: Organisation, by: User
) -> Application:
    """A complete draft, as the applicant would have filled it in (the round is closed now, so
    the draft is made directly, with the audit entry the portal writes)."""
    year = scheme_year.year
    years = len(plan.applied)
    application = Application.objects.create(
        scheme_year=scheme_year,
        focus_area=area,
        organisation=organisation,
        created_by=by,
        title=plan.title,
        summary=plan.summary,
        goals="Flere innvandrere i arbeid eller utdanning, og bedre kvalifiseringstiltak.",
        target_group="Nyankomne innvandrere og flyktninger i kommunen.",
        activities=f"{plan.summary} Oppstart, utprøving, evaluering og deling av erfaringer.",
        purpose_fit="Prosjektet svarer på ordningens formål og satsingsområdet det søker under.",
        implementation_capacity=(
            "Prosjektleder i full stilling, styringsgruppe med kommunalsjef og en plan med "
            "milepæler for hvert halvår."
        ),
        transfer_value="Metoden beskrives i en veileder som andre kommuner kan bruke.",
        products_free="Veilederen og materiellet publiseres åpent på kommunens nettsider.",
        participants=plan.participants,
        prioritised_groups="Kvinner og deltakere med kort utdanning.",
        project_start=dt.date(year, 8, 1),
        project_years=years,
        declares_no_ordinary_operation=True,
        declares_curricula=True,
        declares_products_free=True,
        exemption_status="not_needed",
        **plan.fields,
    )
    for number, applied in enumerate(plan.applied, start=1):
        own = Decimal(applied) / 4
        FundingYear.objects.create(
            application=application,
            year_number=number,
            amount_applied=Decimal(applied),
            own_contribution=own,
            other_funding=Decimal(0),
        )
        BudgetLine.objects.create(
            application=application,
            year_number=number,
            description="Prosjektleder og veiledere",
            amount=Decimal(applied) * 3 / 4,
        )
        BudgetLine.objects.create(
            application=application,
            year_number=number,
            description="Materiell, lokaler og evaluering",
            amount=Decimal(applied) / 2,
        )
    EarlierProject.objects.create(
        application=application,
        title="Jobbsjansen",
        year=year - 3,
        result="Åtte av ti deltakere gikk over i arbeid eller utdanning.",
    )
    if plan.partners:
        application.partners.set([_organisation(number) for number in plan.partners])
    audit_log(
        subject=application,
        action="imdi.application.created",
        actor=by,
        organisation=organisation,
        new_status=application.status,
        data={"focus_area": area.number, "kind": area.kind, "year": year},
    )
    return application


def _score(application: Application, values: tuple[int, int, int]) -> dict[str, Any]:
    purpose, capacity, transfer = values
    return {
        "purpose": purpose,
        "purpose_note": NOTES["purpose"][purpose],
        "capacity": capacity,
        "capacity_note": NOTES["capacity"][capacity],
        "transfer": transfer,
        "transfer_note": NOTES["transfer"][transfer],
        "prio_large_or_multi_year": (application.project_years or 1) > 1,
        "prio_university": bool(application.university_supervisor),
        "prio_voluntary": application.voluntary_funded_by_imdi,
        "prio_inter_municipal": application.partners.exists(),
    }


def _assess(plan: Plan, application: Application, staff: dict[str, User]) -> None:
    """Take the application as far as its plan says, through the assessment's services."""
    lead, assessors = staff[LEAD], [staff[email] for email in ASSESSORS]
    if plan.conflict:
        impartiality_declare(
            application=application,
            by=staff[CONFLICTED],
            has_conflict=True,
            explanation=plan.conflict,
        )
    if plan.stage == "submitted":
        return
    for user in (lead, *assessors):
        impartiality_declare(application=application, by=user, has_conflict=False)
    checker = assessors[0]
    if plan.stage == "dismissed":
        checks = {name: name != "check_approved_by_authority" for name in FORMAL_CHECKS}
        checked = assessment.formal_check_record(
            application=application,
            by=checker,
            checks=checks,
            notes="Søknaden er sendt inn av en rådgiver uten fullmakt.",
        )
        failed = assessment.failed_checks_text(assessment=checked)
        assessment.application_dismiss(
            application=application,
            by=checker,
            grounds=f"{failed}\n\n{plan.grounds}",
            rules_applied=RULES_APPLIED,
        )
        return
    assessment.formal_check_record(
        application=application, by=checker, checks=dict.fromkeys(FORMAL_CHECKS, True)
    )
    assessment.assessors_assign(
        applications=[application], assessors=assessors, by=lead, per_application=2
    )
    for assessor, values in zip(assessors, plan.scores, strict=False):
        assessment.score_save(
            application=application, by=assessor, values=_score(application, values), submit=True
        )
    if plan.stage == "draft_score":
        draft = _score(application, (5, 4, 5))
        draft["transfer_note"] = ""
        assessment.score_save(application=application, by=assessors[0], values=draft)
    if plan.comment:
        assessment.comment_add(application=application, by=lead, text=plan.comment)
    if plan.agreed:
        purpose, capacity, transfer = plan.agreed
        assessment.agreed_score_set(
            application=application,
            by=lead,
            purpose=purpose,
            capacity=capacity,
            transfer=transfer,
            comment="Enige i fagmøtet etter gjennomgang av begge vurderingene.",
        )
    if plan.proposed:
        assessment.proposed_amount_set(
            application=application, by=lead, amount=Decimal(plan.proposed)
        )
    if plan.stage == "awarded":
        assessment.application_award(
            application=application,
            by=lead,
            amount=Decimal(plan.award),
            special_conditions=plan.special_conditions,
        )
    elif plan.stage == "refused":
        assessment.application_refuse(application=application, by=lead, grounds=plan.grounds)


def _by_status(scheme_year: SchemeYear) -> dict[str, int]:
    rows = (
        Application.objects.filter(scheme_year=scheme_year)
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    found = dict(rows)
    return {status: found[status] for status in Status.values if found.get(status)}


@transaction.atomic
def demo_round_load(*, today: dt.date | None = None) -> DemoRound | None:
    """Fill this year's development round with applications in assessment (see the module's
    docstring). None when there is no development round this year; a round that already has
    applications is left as it is."""
    if not settings.DEMO_MODE:
        raise RuntimeError(
            "Demo data is loaded only in demo mode (DEMO_MODE), never in production."
        )
    day = today or today_in_oslo()
    scheme_year = (
        SchemeYear.objects.select_for_update()
        .filter(scheme__code=SchemeCode.DEVELOPMENT, year=day.year)
        .first()
    )
    if scheme_year is None or scheme_year.application_deadline is None:
        return None
    if Application.objects.filter(scheme_year=scheme_year).exists():
        return DemoRound(scheme_year=scheme_year, created=False, by_status=_by_status(scheme_year))

    demo_users_load()
    staff = {u.email: u for u in User.objects.filter(email__in=[LEAD, CONFLICTED, *ASSESSORS])}
    if scheme_year.budget_frame is None:
        scheme_year.budget_frame = FRAME
        scheme_year.save(update_fields=["budget_frame"])
    areas = {area.number: area for area in scheme_year.focus_areas.all()}
    for number, budget in AREA_BUDGETS.items():
        if number in areas:
            areas[number].budget_amount = budget
            areas[number].save(update_fields=["budget_amount"])

    drammen_applicant = User.objects.get(email="applicant@drammen.example")
    drammen_signatory = User.objects.get(email="signatory@drammen.example")
    for index, plan in enumerate(PLANS):
        applicant = APPLICANTS[plan.org]
        organisation = _organisation(plan.org)
        if plan.org == "3301":
            author, signatory = drammen_applicant, drammen_signatory
        else:
            _contact_details(applicant, organisation)
            author = signatory = _signatory(applicant, organisation)
        application = _application(plan, scheme_year, areas[plan.area], organisation, author)
        application = application_submit(
            application=application,
            by=signatory,
            at=_submitted_at(scheme_year, plan, index),
        )
        _assess(plan, application, staff)

    lead = staff[LEAD]
    decided = {plan.area for plan in PLANS if plan.stage in ("awarded", "refused")}
    for number in sorted(decided):
        assessment.allocation_finalise(focus_area=areas[number], by=lead)
        assessment.decisions_send(focus_area=areas[number], by=lead)
    _appeal_the_dismissal(scheme_year)
    demo_follow_up_load(scheme_year=scheme_year)
    return DemoRound(scheme_year=scheme_year, created=True, by_status=_by_status(scheme_year))


def _appeal_the_dismissal(scheme_year: SchemeYear) -> None:
    """Bergen appeals its dismissal, so the appeal pages have a case to show."""
    from applications.appeals.services import appeal_lodge
    from applications.assessment.models import Decision, DecisionLetter

    decision = Decision.objects.filter(
        kind="dismissal", application__scheme_year=scheme_year
    ).first()
    if decision is None:
        return
    letter = decision.letter
    if letter.sent_on is None:
        assessment.decision_letter_send(letter_id=letter.pk)
    DecisionLetter.objects.filter(pk=letter.pk).update(opened_on=today_in_oslo())
    decision.refresh_from_db()
    organisation = decision.application.organisation
    signatory = User.objects.filter(
        memberships__organisation=organisation, memberships__role=MembershipRole.SIGNATORY
    ).first()
    appeal_lodge(
        by=signatory,
        decision=decision,
        text=(
            "Vi klager på avvisningen. Søknaden ble godkjent av kommunedirektøren i portalen; "
            "vedlagt er delegasjonsvedtaket som viser fullmakten."
        ),
    )
