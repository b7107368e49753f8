"""The demo round after its letters: grants accepted, paid, reported on, reclaimed and appealed,
so that every screen of the follow-up (issue 10) can be tried from ``make run``.

Taken through the services by the demo users, once the decided areas' letters are out:

- Drammen accepts its area-5 grant; its spring term is due and waits for a payment list (left
  for a person, or the browser test, to propose, approve, report on and reclaim);
- Vestland accepts; its spring term is paid; its status report came back with a comment;
- Trøndelag accepts; both terms are paid and its status report approved; IMDi reclaims part of
  the grant, Trøndelag appeals the reclaim, and IMDi forwards the appeal to AID;
- Asker's grant letter waits for acceptance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from applications.appeals.services import appeal_forward, appeal_lodge
from grants import services as grants
from grants.models import Grant, PaymentStatus, ReactionKind
from imdi_grants.accounts.models import MembershipRole, User
from imdi_grants.lib.deadlines import today_in_oslo
from reporting import services as reporting
from reporting.models import ReportKind
from schemes.models import SchemeYear

CASEWORKER = "caseworker@imdi.example"
SECOND_CASEWORKER = "caseworker2@imdi.example"
ADMINISTRATOR = "admin@imdi.example"


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _signatory(grant: Grant) -> User:
    return (
        User.objects.filter(
            memberships__organisation=grant.organisation,
            memberships__role=MembershipRole.SIGNATORY,
        )
        .order_by("pk")
        .first()
    )


def _grant(scheme_year: SchemeYear, number: str) -> Grant:
    by_number = (
        {"organisation__municipality_number": number}
        if len(number) == 4
        else {"organisation__county_number": number, "organisation__is_county_municipality": True}
    )
    return Grant.objects.get(scheme_year=scheme_year, **by_number)


def _accept(grant: Grant) -> Grant:
    letter = grant.letter_awaiting_acceptance
    grants.grant_letter_send(letter_id=letter.pk)
    grants.grant_accept(grant=grant, by=_signatory(grant))
    grant.refresh_from_db()
    return grant


def _pay_next_term(grant: Grant) -> None:
    payment = grant.payments.filter(status=PaymentStatus.PLANNED).order_by("due_on").first()
    batch = grants.payments_propose(
        payments=[payment], payment_date=payment.due_on, by=_user(CASEWORKER)
    )
    grants.payment_batch_approve(batch=batch, by=_user(SECOND_CASEWORKER))


def _status_report_submit(grant: Grant, *, participants: int, narrative: str):
    report = grant.reports.get(kind=ReportKind.STATUS)
    by = _signatory(grant)
    reporting.report_save(
        report=report,
        by=by,
        fields={
            "participants": participants,
            "narrative": narrative,
            "income": grant.amount / 2,
            "expenses": grant.amount * Decimal("0.4"),
        },
        activities={},
    )
    return reporting.report_submit(report=report, by=by)


def demo_follow_up_load(*, scheme_year: SchemeYear) -> None:
    """Take the round's awarded grants through the follow-up (see the module's docstring)."""
    caseworker = _user(CASEWORKER)

    _accept(_grant(scheme_year, "3301"))

    vestland = _accept(_grant(scheme_year, "46"))
    _pay_next_term(vestland)
    report = _status_report_submit(
        vestland,
        participants=140,
        narrative="Velkomsttilbudet er i gang i fire kommuner.",
    )
    reporting.report_review(
        report=report,
        by=caseworker,
        approve=False,
        comment=(
            "Rapporten må si hvilke aktiviteter som ikke er gjennomført ennå, og hvorfor. "
            "Oppgi også hvor mange av deltakerne som er arbeidsinnvandrere."
        ),
    )

    trondelag = _accept(_grant(scheme_year, "50"))
    _pay_next_term(trondelag)
    report = _status_report_submit(
        trondelag,
        participants=95,
        narrative=(
            "Velkomstsenteret åpnet i Steinkjer i august. Politiet og Skatteetaten er på plass "
            "to dager i uken; Nav er med fra oktober."
        ),
    )
    reporting.report_review(report=report, by=caseworker, approve=True)
    _pay_next_term(trondelag)
    reclaim = grants.reaction_propose(
        grant=trondelag,
        kind=ReactionKind.RECLAIM,
        amount=Decimal("250000"),
        grounds=(
            "Velkomstsenteret i Namsos, som var en del av prosjektet, ble ikke åpnet. "
            "Tilskuddet til den delen av prosjektet er ikke brukt etter formålet."
        ),
        by=caseworker,
    )
    grants.reaction_decide(reaction=reclaim, by=_user(ADMINISTRATOR), approve=True)
    grants.reaction_letter_send(reaction_id=reclaim.pk, on=today_in_oslo() - dt.timedelta(days=2))
    reclaim.refresh_from_db()
    grants.reaction_letter_opened(reaction=reclaim, by=_signatory(trondelag))
    appeal = appeal_lodge(
        by=_signatory(trondelag),
        reaction=reclaim,
        text=(
            "Vi klager på tilbakekrevingen. Senteret i Namsos ble erstattet av et mobilt "
            "velkomsttilbud i Namdalen, som IMDi ble orientert om i juni."
        ),
    )
    appeal_forward(
        appeal=appeal,
        by=caseworker,
        preparation=(
            "IMDi ble ikke bedt om å godkjenne endringen av prosjektet, og det mobile tilbudet "
            "nådde færre deltakere enn planlagt. IMDi opprettholder vedtaket."
        ),
    )
