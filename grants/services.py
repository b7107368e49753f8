"""The grant's state machine and its writes, the same for both schemes.

A scheme decides and calls ``grant_create``; from then on: the grant letter (``grant_letter_issue``,
rendered after commit), acceptance before the deadline (``grant_accept``) or lapse
(``grants_lapse_overdue``), the payment plan and payment lists (``payments_approve``), and
repayments. Every service checks its own access rule on ``by``.
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

from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.deadlines import OSLO, is_before_deadline, today_in_oslo
from imdi_grants.lib.money import split_by_shares
from imdi_grants.lib.workflow import DomainError, Workflow, lock, require, require_actor, system
from schemes.models import SchemeYear
from schemes.services import scheme_year_mark_letters_issued

from . import access
from .models import (
    CaseNumberSequence,
    Grant,
    GrantLetter,
    GrantStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
    PlannedYear,
    Repayment,
)
from .registry import grant_accepted_handlers, scheme_parts

S = GrantStatus

GRANT_FLOW = Workflow(
    noun=_("The grant"),
    statuses=GrantStatus,
    transitions={
        (S.PENDING, S.LETTER_ISSUED): access.is_staff,
        # A new letter version (after a change request) asks for acceptance again.
        (S.LETTER_ISSUED, S.LETTER_ISSUED): access.is_staff,
        (S.ACCEPTED, S.LETTER_ISSUED): access.is_staff,
        (S.LETTER_ISSUED, S.ACCEPTED): access.can_sign,
        (S.LETTER_ISSUED, S.LAPSED): system,
        (S.LAPSED, S.LETTER_ISSUED): access.is_staff,
        (S.ACCEPTED, S.PAID): access.is_staff,
    },
)

PAYMENT_FLOW = Workflow(
    noun=_("The payment"),
    statuses=PaymentStatus,
    transitions={(PaymentStatus.PLANNED, PaymentStatus.APPROVED): access.is_staff},
)

GRANT_RELATED = ("organisation", "scheme_year__scheme")


def case_number_next(*, year: int) -> str:
    """The next case number of a year, gap-free under concurrent use (row lock); call inside a
    transaction."""
    CaseNumberSequence.objects.get_or_create(year=year)
    sequence = CaseNumberSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}/{sequence.last:05d}"


@transaction.atomic
def grant_create(
    *,
    case_number: str,
    organisation: Organisation,
    scheme_year: SchemeYear,
    amount: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    bank_account_number: str,
    by: User,
    planned_years: dict[int, Decimal] | None = None,
) -> Grant:
    """IMDi has decided: the grant exists, awaiting its letter. Later years of a multi-year
    project are recorded as planned, conditional on the appropriation."""
    require_actor(access.is_staff(by))
    grant = Grant.objects.create(
        case_number=case_number,
        organisation=organisation,
        scheme_year=scheme_year,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        bank_account_number=bank_account_number,
        created_by=by,
    )
    for year, planned in (planned_years or {}).items():
        PlannedYear.objects.create(grant=grant, year=year, amount=planned)
    audit_log(
        subject=grant,
        action="imdi.grant.created",
        actor=by,
        organisation=organisation,
        new_status=grant.status,
        data={
            "amount": str(amount),
            "scheme": scheme_year.scheme.code,
            "year": scheme_year.year,
            "planned_years": {str(y): str(a) for y, a in (planned_years or {}).items()},
        },
    )
    return grant


def payment_plan_set(*, grant: Grant) -> list[Payment]:
    """The grant's payment plan from its year's payment terms: the approved terms stay as they
    were paid, and what is left of the amount is split over the planned ones. Call inside the
    transaction that changes the amount."""
    terms = list(grant.scheme_year.payment_terms.order_by("pay_on"))
    require(
        bool(terms),
        _("%(year)s has no payment terms configured; an administrator must add them first.")
        % {"year": grant.scheme_year},
    )
    existing = {p.term: p for p in grant.payments.all()}
    approved = sum(
        (p.amount for p in existing.values() if p.status == PaymentStatus.APPROVED), Decimal("0")
    )
    open_terms = [
        t
        for t in terms
        if t.kind not in existing or existing[t.kind].status == PaymentStatus.PLANNED
    ]
    amounts = split_by_shares(
        max(grant.amount - approved, Decimal("0")), [t.share_percent for t in open_terms]
    )
    plan = []
    for term, amount in zip(open_terms, amounts, strict=True):
        payment, _created = Payment.objects.update_or_create(
            grant=grant, term=term.kind, defaults={"due_on": term.pay_on, "amount": amount}
        )
        plan.append(payment)
    return plan


@transaction.atomic
def grant_letter_issue(
    *,
    grant: Grant,
    by: User,
    amount: Decimal | None = None,
    on: dt.date | None = None,
    reason: str = "",
) -> GrantLetter:
    """Issue the next version of the grant letter (tilskuddsbrev) with the grant's amount (or a
    new one); the PDF is rendered by a task after commit. The acceptance deadline is the year's
    acceptance window after the letter is sent, and the payment plan follows the amount."""
    from .tasks import grant_letter_render

    grant = lock(grant, *GRANT_RELATED)
    GRANT_FLOW.check(grant, S.LETTER_ISSUED, by=by)
    sent_on = on or today_in_oslo()
    if amount is not None:
        grant.amount = amount
    grant.letter_sent_on = sent_on
    grant.acceptance_deadline = sent_on + dt.timedelta(
        days=grant.scheme_year.acceptance_window_days
    )
    grant.accepted_at = None
    grant.accepted_by = None
    version = (
        grant.letters.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    letter = GrantLetter.objects.create(
        grant=grant,
        version=version,
        amount=grant.amount,
        language=grant.organisation.letter_language,
    )
    payment_plan_set(grant=grant)
    scheme_year_mark_letters_issued(scheme_year=grant.scheme_year, at=timezone.now())
    GRANT_FLOW.move(
        grant,
        S.LETTER_ISSUED,
        by=by,
        action="imdi.grant.letter_issued",
        organisation=grant.organisation,
        fields=["amount", "letter_sent_on", "acceptance_deadline", "accepted_at", "accepted_by"],
        reason=reason,
        data={"version": version, "amount": str(grant.amount)},
        follow_up=[(grant_letter_render, letter.pk)],
    )
    return letter


def grant_letter_pdf(*, letter: GrantLetter) -> bytes:
    """Render a grant letter to PDF in the recipient's written standard, with the scheme's own
    part of the letter from its registered content."""
    from weasyprint import HTML

    grant = letter.grant
    parts = scheme_parts(scheme_code=grant.scheme_code)
    with translation.override(letter.language):
        html = render_to_string(
            parts.letter_template,
            {
                "letter": letter,
                "grant": grant,
                "organisation": grant.organisation,
                "scheme_year": grant.scheme_year,
                "payments": grant.payments.order_by("due_on"),
                **parts.letter_context(grant),
            },
        )
    return HTML(string=html).write_pdf()


@transaction.atomic
def grant_letter_render(*, letter_id: int) -> bool:
    """Render and store a letter once; an issued letter is never rendered again."""
    letter = (
        GrantLetter.objects.select_for_update(of=("self",))
        .select_related("grant__organisation", "grant__scheme_year__scheme")
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
def grant_accept(*, grant: Grant, by: User, at: dt.datetime | None = None) -> Grant:
    """A signatory accepts the grant letter before the deadline (end of day, Oslo time); the
    reports the grant owes are created in the same transaction."""
    grant = lock(grant, *GRANT_RELATED)
    require_actor(access.can_sign(by, grant))
    require(grant.status == S.LETTER_ISSUED, _("There is no grant letter waiting for acceptance."))
    require(
        is_before_deadline(grant.acceptance_deadline, at=at),
        _("The deadline for acceptance was %(deadline)s; the grant can no longer be accepted.")
        % {"deadline": grant.acceptance_deadline.strftime("%d.%m.%Y")},
    )
    grant.accepted_at = at or timezone.now()
    grant.accepted_by = by
    GRANT_FLOW.move(
        grant,
        S.ACCEPTED,
        by=by,
        action="imdi.grant.accepted",
        organisation=grant.organisation,
        fields=["accepted_at", "accepted_by"],
    )
    for handler in grant_accepted_handlers():
        handler(grant)
    return grant


def grants_lapse_overdue(*, at: dt.datetime | None = None) -> int:
    """Lapse grants whose acceptance deadline has passed; run hourly by beat. A grant lapses
    once: the status check under the row lock makes a second run a no-op."""
    today = (at or timezone.now()).astimezone(OSLO).date()
    lapsed = 0
    candidates = Grant.objects.filter(
        status=S.LETTER_ISSUED, acceptance_deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            grant = Grant.objects.select_for_update().select_related("organisation").get(pk=pk)
            if grant.status != S.LETTER_ISSUED:
                continue
            GRANT_FLOW.move(
                grant,
                S.LAPSED,
                by=None,
                action="imdi.grant.lapsed",
                organisation=grant.organisation,
            )
            lapsed += 1
    return lapsed


@transaction.atomic
def grant_reopen(*, grant: Grant, by: User, reason: str) -> Grant:
    """A caseworker reopens a lapsed grant with a reason; a new acceptance window starts today."""
    grant = lock(grant, *GRANT_RELATED)
    require_actor(access.is_staff(by))
    require(grant.status == S.LAPSED, _("Only a lapsed grant can be reopened."))
    require(bool(reason.strip()), _("Give a reason for reopening the grant."))
    grant.acceptance_deadline = today_in_oslo() + dt.timedelta(
        days=grant.scheme_year.acceptance_window_days
    )
    GRANT_FLOW.move(
        grant,
        S.LETTER_ISSUED,
        by=by,
        action="imdi.grant.reopened",
        organisation=grant.organisation,
        fields=["acceptance_deadline"],
        reason=reason,
    )
    return grant


@transaction.atomic
def payments_approve(*, grants: list[Grant], payment_date: dt.date, by: User) -> list[Payment]:
    """Put the next planned payment of each accepted grant on one payment list for a date. Never
    before acceptance, never twice; a grant whose plan is all approved is paid."""
    require_actor(access.is_staff(by))
    require(bool(grants), _("Choose at least one grant to pay."))
    batch = PaymentBatch.objects.create(payment_date=payment_date, approved_by=by)
    approved = []
    for grant in grants:
        grant = lock(grant, *GRANT_RELATED)
        if grant.status != S.ACCEPTED:
            raise DomainError(
                _("%(case)s cannot be paid: it has not been accepted.")
                % {"case": grant.case_number}
            )
        payment = (
            grant.payments.select_for_update()
            .filter(status=PaymentStatus.PLANNED)
            .order_by("due_on")
            .first()
        )
        if payment is None:
            raise DomainError(
                _("%(case)s has no planned payment left.") % {"case": grant.case_number}
            )
        payment.batch = batch
        payment.payment_date = payment_date
        payment.organisation_number = grant.organisation.organisation_number or ""
        payment.bank_account_number = grant.bank_account_number
        payment.approved_by = by
        payment.approved_at = timezone.now()
        PAYMENT_FLOW.move(
            payment,
            PaymentStatus.APPROVED,
            by=by,
            action="imdi.grant.payment_approved",
            organisation=grant.organisation,
            subject=grant,
            fields=[
                "batch",
                "payment_date",
                "organisation_number",
                "bank_account_number",
                "approved_by",
                "approved_at",
            ],
            data={
                "term": payment.term,
                "amount": str(payment.amount),
                "payment_date": str(payment_date),
            },
        )
        approved.append(payment)
        if not grant.payments.filter(status=PaymentStatus.PLANNED).exists():
            GRANT_FLOW.move(
                grant, S.PAID, by=by, action="imdi.grant.paid", organisation=grant.organisation
            )
    return approved


@transaction.atomic
def repayment_record(
    *, grant: Grant, amount: Decimal, received_on: dt.date, reason: str, by: User
) -> Repayment:
    """Record an amount paid back (tilbakebetaling); never more than was paid."""
    grant = lock(grant, *GRANT_RELATED)
    require_actor(access.is_staff(by))
    paid = sum(
        (p.amount for p in grant.payments.filter(status=PaymentStatus.APPROVED)), Decimal("0")
    )
    require(paid > 0, _("Nothing has been paid on this grant."))
    repaid = sum((r.amount for r in grant.repayments.all()), Decimal("0"))
    require(repaid + amount <= paid, _("The repayments cannot exceed the amount paid."))
    repayment = Repayment.objects.create(
        grant=grant, amount=amount, received_on=received_on, reason=reason, recorded_by=by
    )
    audit_log(
        subject=grant,
        action="imdi.grant.repayment_recorded",
        actor=by,
        organisation=grant.organisation,
        reason=reason,
        data={"amount": str(amount), "received_on": str(received_on)},
    )
    return repayment
