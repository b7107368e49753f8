"""The reception grant's state machine and its writes.

Every transition: guard → lock (select_for_update) → save(update_fields) → audit entry → follow-up
task on commit. The allowed transitions are the table below, checked by ``_move``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.access import is_member, is_signatory
from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.services import audit_log, case_number_next
from imdi_grants.lib.deadlines import OSLO, is_before_deadline, today_in_oslo
from imdi_grants.lib.tasks import enqueue
from reporting.services import reports_create_for_grant
from schemes.models import SchemeYear
from schemes.services import scheme_year_mark_letters_issued

from .calculation import MonthLine, PlacePeriod, monthly_breakdown, yearly_amount
from .models import (
    AcceptanceLetter,
    ChangeRequest,
    ChangeRequestStatus,
    GrantLetter,
    GrantStatus,
    PartnershipAgreement,
    Payment,
    PlaceCount,
    ReceptionAgreement,
    ReceptionGrant,
    Repayment,
)

S = GrantStatus
TRANSITIONS: dict[str, set[str]] = {
    S.OFFERED: {S.ACCEPTANCE_LETTER_SUBMITTED},
    S.ACCEPTANCE_LETTER_SUBMITTED: {S.LETTER_ISSUED},
    # A new letter version (after a change request) asks for acceptance again.
    S.LETTER_ISSUED: {S.ACCEPTED, S.LAPSED, S.LETTER_ISSUED},
    S.LAPSED: {S.LETTER_ISSUED},
    S.ACCEPTED: {S.PAID, S.LETTER_ISSUED},
    S.PAID: set(),
}


class GrantError(Exception):
    """A rule of the scheme refuses the action; the message is for the person who tried."""


def _move(grant: ReceptionGrant, to: str) -> str:
    old = grant.status
    if to not in TRANSITIONS[old]:
        raise GrantError(
            _("The grant cannot go from “%(old)s” to “%(new)s”.")
            % {"old": GrantStatus(old).label, "new": GrantStatus(to).label}
        )
    grant.status = to
    return old


def _lock(grant: ReceptionGrant) -> ReceptionGrant:
    return (
        ReceptionGrant.objects.select_for_update()
        .select_related("organisation", "scheme_year__scheme", "agreement")
        .get(pk=grant.pk)
    )


@transaction.atomic
def agreement_register(
    *,
    organisation: Organisation,
    start_date: dt.date,
    end_date: dt.date | None,
    places: int,
    by: User,
) -> ReceptionAgreement:
    agreement = ReceptionAgreement.objects.create(
        organisation=organisation, start_date=start_date, end_date=end_date, created_by=by
    )
    PlaceCount.objects.create(agreement=agreement, valid_from=start_date, places=places)
    audit_log(
        subject=agreement,
        action="imdi.reception.agreement_registered",
        actor=by,
        organisation=organisation,
        data={"start_date": str(start_date), "places": places},
    )
    return agreement


@transaction.atomic
def place_count_set(
    *, agreement: ReceptionAgreement, valid_from: dt.date, places: int, by: User
) -> PlaceCount:
    """Record a change in the number of places from a date (the history is kept)."""
    count, _created = PlaceCount.objects.update_or_create(
        agreement=agreement, valid_from=valid_from, defaults={"places": places}
    )
    audit_log(
        subject=agreement,
        action="imdi.reception.places_changed",
        actor=by,
        organisation=agreement.organisation,
        data={"valid_from": str(valid_from), "places": places},
    )
    return count


@transaction.atomic
def partnership_agreement_register(
    *, organisation: Organisation, by: User, **fields: object
) -> PartnershipAgreement:
    """Register the partnership agreement (partnerskapsavtale) with its signed PDF."""
    partnership = PartnershipAgreement.objects.create(organisation=organisation, **fields)
    audit_log(
        subject=partnership,
        action="imdi.reception.partnership_registered",
        actor=by,
        organisation=organisation,
        data={"valid_from": str(partnership.valid_from)},
    )
    return partnership


def valid_partnership_agreement(
    *, organisation: Organisation, year: int
) -> PartnershipAgreement | None:
    for agreement in organisation.partnership_agreements.all():
        if agreement.is_valid_in(year):
            return agreement
    return None


def grant_breakdown(*, grant: ReceptionGrant) -> list[MonthLine]:
    scheme_year = grant.scheme_year
    return monthly_breakdown(
        year=scheme_year.year,
        rate_per_place_per_month=scheme_year.rate_per_place_per_month,
        periods=[
            PlacePeriod(valid_from=c.valid_from, places=c.places)
            for c in grant.agreement.place_counts.all()
        ],
        start=grant.agreement.start_date,
        end=grant.agreement.end_date,
    )


@transaction.atomic
def grant_offer(*, organisation: Organisation, scheme_year: SchemeYear, by: User) -> ReceptionGrant:
    """Send the yearly offer (tilbudsbrev). Refused without an agreement covering the year or
    without a valid partnership agreement (the circular's conditions)."""
    year = scheme_year.year
    agreement = next(
        (a for a in organisation.reception_agreements.all() if a.covers_year(year)), None
    )
    if agreement is None:
        raise GrantError(
            _("%(organisation)s has no integration reception agreement in %(year)s.")
            % {"organisation": organisation, "year": year}
        )
    if valid_partnership_agreement(organisation=organisation, year=year) is None:
        raise GrantError(
            _(
                "%(organisation)s has no valid partnership agreement with the asylum reception "
                "centre, career centre and NAV office in %(year)s, so the grant cannot be offered."
            )
            % {"organisation": organisation, "year": year}
        )
    if ReceptionGrant.objects.filter(organisation=organisation, scheme_year=scheme_year).exists():
        raise GrantError(
            _("%(organisation)s has already been offered the grant for %(year)s.")
            % {"organisation": organisation, "year": year}
        )
    grant = ReceptionGrant(
        organisation=organisation,
        scheme_year=scheme_year,
        agreement=agreement,
        case_number=case_number_next(year=year),
    )
    grant.amount = yearly_amount(grant_breakdown(grant=grant))
    grant.save()
    audit_log(
        subject=grant,
        action="imdi.reception.offered",
        actor=by,
        organisation=organisation,
        new_status=grant.status,
        data={"amount": str(grant.amount)},
    )
    return grant


ACCEPTANCE_LETTER_FIELDS = (
    "municipality_name",
    "address",
    "phone",
    "email",
    "organisation_number",
    "bank_account_number",
    "contact_persons",
    "prerequisites",
    "earlier_grants",
)


def earlier_grants_text(*, organisation: Organisation, before_year: int) -> str:
    """Earlier IMDi grants to the organisation, from this system's own records, one per line
    with date and case number, for the acceptance letter."""
    grants = (
        ReceptionGrant.objects.filter(
            organisation=organisation,
            scheme_year__year__lt=before_year,
            status__in=[S.ACCEPTED, S.PAID],
        )
        .select_related("scheme_year__scheme")
        .order_by("scheme_year__year")
    )
    return "\n".join(
        f"{g.scheme_year.scheme.name} {g.scheme_year.year}: "
        f"{g.letter_sent_on:%d.%m.%Y}, saksnr. {g.case_number}"
        for g in grants
        if g.letter_sent_on
    )


def acceptance_letter_initial(*, grant: ReceptionGrant) -> dict[str, str]:
    """What the acceptance letter form starts with: the saved draft, or the registry's data."""
    letter = AcceptanceLetter.objects.filter(grant=grant).first()
    if letter is not None:
        return {field: getattr(letter, field) for field in ACCEPTANCE_LETTER_FIELDS}
    organisation = grant.organisation
    address = ", ".join(
        part
        for part in (
            organisation.postal_address,
            f"{organisation.postal_code} {organisation.postal_place}".strip(),
        )
        if part
    )
    return {
        "municipality_name": organisation.name,
        "address": address,
        "phone": organisation.phone,
        "email": organisation.email,
        "organisation_number": organisation.organisation_number or "",
        "bank_account_number": organisation.bank_account_number,
        "contact_persons": "",
        "prerequisites": "",
        "earlier_grants": earlier_grants_text(
            organisation=organisation, before_year=grant.scheme_year.year
        ),
    }


@transaction.atomic
def acceptance_letter_save(
    *, grant: ReceptionGrant, by: User, fields: dict[str, str]
) -> AcceptanceLetter:
    """Save the acceptance letter as a draft; any member of the municipality may prepare it."""
    grant = _lock(grant)
    if not is_member(by, grant.organisation):
        raise GrantError(_("Only the municipality's own users can fill in the acceptance letter."))
    if grant.status != S.OFFERED:
        raise GrantError(_("The acceptance letter has already been submitted."))
    letter, _created = AcceptanceLetter.objects.update_or_create(grant=grant, defaults=fields)
    return letter


@transaction.atomic
def acceptance_letter_submit(
    *, grant: ReceptionGrant, by: User, fields: dict[str, str]
) -> AcceptanceLetter:
    """A signatory submits the acceptance letter (akseptbrev); an applicant may not."""
    grant = _lock(grant)
    if not is_signatory(by, grant.organisation):
        raise GrantError(
            _("Only a signatory of the municipality can submit the acceptance letter.")
        )
    old = _move(grant, S.ACCEPTANCE_LETTER_SUBMITTED)
    letter, _created = AcceptanceLetter.objects.update_or_create(
        grant=grant,
        defaults={**fields, "submitted_at": timezone.now(), "submitted_by": by},
    )
    grant.save(update_fields=["status"])
    audit_log(
        subject=grant,
        action="imdi.reception.acceptance_letter_submitted",
        actor=by,
        organisation=grant.organisation,
        old_status=old,
        new_status=grant.status,
    )
    return letter


@transaction.atomic
def grant_letter_issue(
    *, grant: ReceptionGrant, by: User, on: dt.date | None = None, reason: str = ""
) -> GrantLetter:
    """Issue the next version of the grant letter (tilskuddsbrev); the PDF is rendered by a task
    after commit. The acceptance deadline is the window (14 days) after the letter is sent."""
    grant = _lock(grant)
    old = _move(grant, S.LETTER_ISSUED)
    sent_on = on or today_in_oslo()
    grant.amount = yearly_amount(grant_breakdown(grant=grant))
    grant.letter_sent_on = sent_on
    grant.acceptance_deadline = sent_on + dt.timedelta(
        days=grant.scheme_year.acceptance_window_days
    )
    grant.accepted_at = None
    grant.accepted_by = None
    grant.save(
        update_fields=[
            "status",
            "amount",
            "letter_sent_on",
            "acceptance_deadline",
            "accepted_at",
            "accepted_by",
        ]
    )
    version = (
        grant.letters.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    letter = GrantLetter.objects.create(
        grant=grant,
        version=version,
        amount=grant.amount,
        language=grant.organisation.letter_language,
    )
    scheme_year_mark_letters_issued(scheme_year=grant.scheme_year, at=timezone.now())
    audit_log(
        subject=grant,
        action="imdi.reception.letter_issued",
        actor=by,
        organisation=grant.organisation,
        old_status=old,
        new_status=grant.status,
        reason=reason,
        data={"version": version, "amount": str(grant.amount)},
    )
    from .tasks import grant_letter_render

    enqueue(grant_letter_render, letter.pk)
    return letter


def grant_letter_pdf(*, letter: GrantLetter) -> bytes:
    """Render a grant letter to PDF in the municipality's written standard."""
    from weasyprint import HTML

    grant = letter.grant
    with translation.override(letter.language):
        html = render_to_string(
            "reception/grant_letter.html",
            {
                "letter": letter,
                "grant": grant,
                "organisation": grant.organisation,
                "scheme_year": grant.scheme_year,
                "lines": grant_breakdown(grant=grant),
            },
        )
    return HTML(string=html).write_pdf()


@transaction.atomic
def grant_letter_render(*, letter_id: int) -> bool:
    """Render and store a letter once; an issued letter is never rendered again."""
    letter = (
        GrantLetter.objects.select_for_update()
        .select_related("grant__organisation", "grant__scheme_year__scheme", "grant__agreement")
        .get(pk=letter_id)
    )
    if letter.rendered_at is not None:
        return False
    pdf = grant_letter_pdf(letter=letter)
    letter.sha256 = hashlib.sha256(pdf).hexdigest()
    letter.file.save(
        f"{letter.grant.case_number.replace('/', '-')}-v{letter.version}.pdf",
        ContentFile(pdf),
        save=False,
    )
    letter.rendered_at = timezone.now()
    letter.save(update_fields=["file", "sha256", "rendered_at"])
    return True


@transaction.atomic
def grant_accept(*, grant: ReceptionGrant, by: User, at: dt.datetime | None = None) -> None:
    """A signatory accepts the grant letter before the deadline (end of day, Oslo time)."""
    grant = _lock(grant)
    if not is_signatory(by, grant.organisation):
        raise GrantError(_("Only a signatory of the municipality can accept the grant."))
    if grant.status != S.LETTER_ISSUED:
        raise GrantError(_("There is no grant letter waiting for acceptance."))
    if not is_before_deadline(grant.acceptance_deadline, at=at):
        raise GrantError(
            _("The deadline for acceptance was %(deadline)s; the grant can no longer be accepted.")
            % {"deadline": grant.acceptance_deadline.strftime("%d.%m.%Y")}
        )
    old = _move(grant, S.ACCEPTED)
    grant.accepted_at = at or timezone.now()
    grant.accepted_by = by
    grant.save(update_fields=["status", "accepted_at", "accepted_by"])
    reports_create_for_grant(grant=grant)
    audit_log(
        subject=grant,
        action="imdi.reception.accepted",
        actor=by,
        organisation=grant.organisation,
        old_status=old,
        new_status=grant.status,
    )


def grants_lapse_overdue(*, at: dt.datetime | None = None) -> int:
    """Mark grants whose acceptance deadline has passed as lapsed; run daily by beat. A grant
    lapses once: the status guard makes a second run a no-op."""
    today = (at or timezone.now()).astimezone(OSLO).date()
    lapsed = 0
    candidates = ReceptionGrant.objects.filter(
        status=S.LETTER_ISSUED, acceptance_deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            grant = ReceptionGrant.objects.select_for_update().get(pk=pk)
            if grant.status != S.LETTER_ISSUED:
                continue
            old = _move(grant, S.LAPSED)
            grant.save(update_fields=["status"])
            audit_log(
                subject=grant,
                action="imdi.reception.lapsed",
                actor=None,
                organisation=grant.organisation,
                old_status=old,
                new_status=grant.status,
            )
            lapsed += 1
    return lapsed


@transaction.atomic
def grant_offer_all(*, scheme_year: SchemeYear, by: User) -> tuple[list[ReceptionGrant], dict]:
    """Offer the grant to every municipality with an agreement covering the year that has not
    had the offer; returns the offers made and, per municipality, why one could not be made."""
    offered, refused = [], {}
    agreements = (
        ReceptionAgreement.objects.filter(start_date__year__lte=scheme_year.year)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    already = set(
        ReceptionGrant.objects.filter(scheme_year=scheme_year).values_list(
            "organisation_id", flat=True
        )
    )
    seen = set()
    for agreement in agreements:
        organisation = agreement.organisation
        if organisation.pk in already or organisation.pk in seen:
            continue
        if not agreement.covers_year(scheme_year.year):
            continue
        seen.add(organisation.pk)
        try:
            with transaction.atomic():
                offered.append(
                    grant_offer(organisation=organisation, scheme_year=scheme_year, by=by)
                )
        except GrantError as exc:
            refused[organisation] = str(exc)
    return offered, refused


@transaction.atomic
def grant_reopen(*, grant: ReceptionGrant, by: User, reason: str) -> None:
    """A caseworker reopens a lapsed grant with a reason; a new acceptance window starts today."""
    grant = _lock(grant)
    if grant.status != S.LAPSED:
        raise GrantError(_("Only a lapsed grant can be reopened."))
    if not reason.strip():
        raise GrantError(_("Give a reason for reopening the grant."))
    old = _move(grant, S.LETTER_ISSUED)
    grant.acceptance_deadline = today_in_oslo() + dt.timedelta(
        days=grant.scheme_year.acceptance_window_days
    )
    grant.save(update_fields=["status", "acceptance_deadline"])
    audit_log(
        subject=grant,
        action="imdi.reception.reopened",
        actor=by,
        organisation=grant.organisation,
        old_status=old,
        new_status=grant.status,
        reason=reason,
    )


@transaction.atomic
def change_request_submit(
    *,
    grant: ReceptionGrant,
    by: User,
    description: str,
    places: int | None = None,
    places_from: dt.date | None = None,
) -> ChangeRequest:
    """The municipality asks in writing to change the basis for the grant."""
    grant = _lock(grant)
    if not is_signatory(by, grant.organisation):
        raise GrantError(_("Only a signatory of the municipality can request a change."))
    if grant.status not in (S.LETTER_ISSUED, S.ACCEPTED):
        raise GrantError(_("A change can be requested once the grant letter has been sent."))
    request = ChangeRequest.objects.create(
        grant=grant,
        description=description,
        places=places,
        places_from=places_from,
        requested_by=by,
    )
    audit_log(
        subject=grant,
        action="imdi.reception.change_requested",
        actor=by,
        organisation=grant.organisation,
        data={"places": places, "places_from": str(places_from) if places_from else None},
    )
    return request


@transaction.atomic
def change_request_decide(
    *, change_request: ChangeRequest, by: User, approve: bool, comment: str = ""
) -> GrantLetter | None:
    """A caseworker approves or refuses a change request; approval records the new places and
    issues a new grant letter version with the new amount."""
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if change_request.status != ChangeRequestStatus.PENDING:
        raise GrantError(_("The change request has already been decided."))
    change_request.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REFUSED
    change_request.decided_by = by
    change_request.decided_at = timezone.now()
    change_request.decision_comment = comment
    change_request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    grant = change_request.grant
    audit_log(
        subject=grant,
        action="imdi.reception.change_approved" if approve else "imdi.reception.change_refused",
        actor=by,
        organisation=grant.organisation,
        reason=comment,
    )
    if not approve:
        return None
    if change_request.places is not None and change_request.places_from is not None:
        place_count_set(
            agreement=grant.agreement,
            valid_from=change_request.places_from,
            places=change_request.places,
            by=by,
        )
    return grant_letter_issue(grant=grant, by=by, reason=comment or change_request.description)


def grants_payable(*, scheme_year: SchemeYear | None = None):
    """Accepted grants with no payment yet: what a payment list may contain."""
    qs = ReceptionGrant.objects.filter(status=S.ACCEPTED, payment__isnull=True)
    if scheme_year is not None:
        qs = qs.filter(scheme_year=scheme_year)
    return qs


@transaction.atomic
def payments_approve(
    *, grants: list[ReceptionGrant], payment_date: dt.date, by: User
) -> list[Payment]:
    """Approve the yearly payment of each grant for a date. Never before acceptance, never
    twice; the account number is the one given in the acceptance letter."""
    payments = []
    for grant in grants:
        grant = _lock(grant)
        if grant.status != S.ACCEPTED:
            raise GrantError(
                _("%(case)s cannot be paid: it has not been accepted.")
                % {"case": grant.case_number}
            )
        letter = AcceptanceLetter.objects.get(grant=grant)
        old = _move(grant, S.PAID)
        payments.append(
            Payment.objects.create(
                grant=grant,
                amount=grant.amount,
                payment_date=payment_date,
                organisation_number=letter.organisation_number,
                bank_account_number=letter.bank_account_number,
                approved_by=by,
            )
        )
        grant.save(update_fields=["status"])
        audit_log(
            subject=grant,
            action="imdi.reception.payment_approved",
            actor=by,
            organisation=grant.organisation,
            old_status=old,
            new_status=grant.status,
            data={"amount": str(grant.amount), "payment_date": str(payment_date)},
        )
    return payments


@transaction.atomic
def repayment_record(
    *, grant: ReceptionGrant, amount: Decimal, received_on: dt.date, reason: str, by: User
) -> Repayment:
    """Record an unused amount paid back (tilbakebetaling); never more than was paid."""
    grant = _lock(grant)
    paid = getattr(grant, "payment", None)
    if paid is None:
        raise GrantError(_("Nothing has been paid on this grant."))
    repaid = sum((r.amount for r in grant.repayments.all()), Decimal("0"))
    if repaid + amount > paid.amount:
        raise GrantError(_("The repayments cannot exceed the amount paid."))
    repayment = Repayment.objects.create(
        grant=grant, amount=amount, received_on=received_on, reason=reason, recorded_by=by
    )
    audit_log(
        subject=grant,
        action="imdi.reception.repayment_recorded",
        actor=by,
        organisation=grant.organisation,
        reason=reason,
        data={"amount": str(amount), "received_on": str(received_on)},
    )
    return repayment
