"""The grant's state machine and its writes, the same for both schemes.

A scheme decides and calls ``grant_create``; from then on: the grant letter (``grant_letter_issue``,
rendered after commit), acceptance before the deadline (``grant_accept``) or lapse
(``grants_lapse_overdue``), the payment plan and payment lists (``payments_approve``), the
accounting system's confirmation that a payment went out (``payment_disburse``), and
repayments. Every service checks its own access rule on ``by``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.deadlines import OSLO, is_before_deadline, today_in_oslo
from imdi_grants.lib.money import split_by_shares
from imdi_grants.lib.pdfs import pdf_store
from imdi_grants.lib.pending import stuck_before
from imdi_grants.lib.tasks import enqueue, sweep
from imdi_grants.lib.workflow import Workflow, lock, require, require_actor, system
from imdi_grants.outbox.services import organisation_notify
from schemes.models import SchemeYear
from schemes.services import scheme_year_mark_letters_issued

from . import access, selectors
from .models import (
    PAID_STATUSES,
    BatchStatus,
    CaseNumberSequence,
    ClosingLetter,
    Grant,
    GrantLetter,
    GrantStatus,
    LetterKind,
    LetterStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
    PlannedYear,
    Reaction,
    ReactionKind,
    ReactionStatus,
    Repayment,
)
from .registry import close_blockers, grant_accepted_handlers, payment_blockers, scheme_parts

S = GrantStatus

GRANT_FLOW = Workflow(
    noun=_("The grant"),
    statuses=GrantStatus,
    transitions={
        (S.PENDING, S.LETTER_ISSUED): access.is_staff,
        (S.LETTER_ISSUED, S.ACCEPTED): access.can_sign,
        (S.LETTER_ISSUED, S.LAPSED): system,
        (S.LAPSED, S.LETTER_ISSUED): access.is_staff,
        (S.ACCEPTED, S.PAID): access.is_staff,
        # Closed when every report is approved and every payment and reclaim is settled.
        (S.ACCEPTED, S.CLOSED): access.is_staff,
        (S.PAID, S.CLOSED): access.is_staff,
    },
)

LETTER_FLOW = Workflow(
    noun=_("The grant letter"),
    statuses=LetterStatus,
    transitions={
        (LetterStatus.AWAITING, LetterStatus.ACCEPTED): access.can_sign_letter,
        (LetterStatus.AWAITING, LetterStatus.LAPSED): system,
        # Issuing a later version replaces one still waiting; part of the issuing transaction.
        (LetterStatus.AWAITING, LetterStatus.SUPERSEDED): system,
    },
)

PAYMENT_FLOW = Workflow(
    noun=_("The payment"),
    statuses=PaymentStatus,
    transitions={
        (PaymentStatus.PLANNED, PaymentStatus.PROPOSED): access.is_staff,
        (PaymentStatus.PROPOSED, PaymentStatus.APPROVED): access.is_staff,
        (PaymentStatus.PROPOSED, PaymentStatus.PLANNED): access.is_staff,
        # The accounting system confirms the payment went out (its day and voucher).
        (PaymentStatus.APPROVED, PaymentStatus.DISBURSED): access.is_staff,
    },
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
    """The grant's payment plan from its year's payment terms: the terms on a payment list stay
    as they were proposed or paid, and what is left of the amount is split over the planned
    ones. Call inside the transaction that changes the amount."""
    terms = list(grant.scheme_year.payment_terms.order_by("pay_on"))
    require(
        bool(terms),
        _("%(year)s has no payment terms configured; an administrator must add them first.")
        % {"year": grant.scheme_year},
    )
    existing = {p.term: p for p in grant.payments.all()}
    fixed = sum(
        (p.amount for p in existing.values() if p.status != PaymentStatus.PLANNED), Decimal("0")
    )
    open_terms = [
        t
        for t in terms
        if t.kind not in existing or existing[t.kind].status == PaymentStatus.PLANNED
    ]
    amounts = split_by_shares(
        max(grant.amount - fixed, Decimal("0")), [t.share_percent for t in open_terms]
    )
    plan = []
    for term, amount in zip(open_terms, amounts, strict=True):
        payment, _created = Payment.objects.update_or_create(
            grant=grant, term=term.kind, defaults={"due_on": term.pay_on, "amount": amount}
        )
        plan.append(payment)
    return plan


def letter_signer(*, scheme_year: SchemeYear) -> tuple[str, str]:
    """The name and title that sign the year's letters (its budget authority); a letter cannot
    be issued before an administrator has named them."""
    require(
        bool(scheme_year.budget_authority_name.strip()),
        _(
            "No one with budget authority is named for %(year)s, so no letter can be issued; "
            "an administrator must name the signer in the year's configuration."
        )
        % {"year": scheme_year},
    )
    return scheme_year.budget_authority_name, scheme_year.budget_authority_title


def _letter_new(grant: Grant, *, kind: str, amount: Decimal, reason: str = "") -> GrantLetter:
    """The next version of the grant's letter, signed by the year's budget authority. Its
    acceptance deadline is set when it is sent (``grant_letter_send``). Earlier versions still
    awaiting acceptance are replaced."""
    scheme_year = grant.scheme_year
    require(
        bool(scheme_year.budget_authority_name.strip()),
        _(
            "No one with budget authority is named for %(year)s, so no grant letter can be "
            "issued; an administrator must name the signer in the year's configuration."
        )
        % {"year": scheme_year},
    )
    for earlier in grant.letters.select_for_update().filter(status=LetterStatus.AWAITING):
        LETTER_FLOW.move(
            earlier,
            LetterStatus.SUPERSEDED,
            by=None,
            action="imdi.grant.letter_superseded",
            organisation=grant.organisation,
            subject=grant,
            data={"version": earlier.version},
        )
    version = (
        grant.letters.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    try:
        details = scheme_parts(scheme_code=grant.scheme_code).letter_details(grant)
    except LookupError:  # a scheme whose letters come with a later issue
        details = {}
    return GrantLetter.objects.create(
        grant=grant,
        version=version,
        kind=kind,
        amount=amount,
        details=details,
        signed_by=scheme_year.budget_authority_name,
        signer_title=scheme_year.budget_authority_title,
        reason=reason,
        language=grant.organisation.letter_language,
    )


def _deliver_after_commit(letter: GrantLetter) -> tuple:
    from .tasks import grant_letter_deliver

    return (grant_letter_deliver, letter.pk)


@transaction.atomic
def grant_letter_issue(*, grant: Grant, by: User, seen: str | None = None) -> GrantLetter:
    """Issue the grant's first letter (tilskuddsbrev); after commit a task renders the PDF and
    sends it (``grant_letter_send``), and the acceptance deadline runs from then. The payment
    plan follows the amount. A new version comes only from a change (``grant_letter_change``) or
    a reopening (``grant_reopen``)."""
    require_actor(access.is_staff(by))
    grant = lock(grant, *GRANT_RELATED)
    GRANT_FLOW.check(grant, S.LETTER_ISSUED, by=by, seen=seen)
    require(
        grant.status == S.PENDING,
        _("The grant letter has already been issued."),
        code="stale",
    )
    letter = _letter_new(grant, kind=LetterKind.GRANT, amount=grant.amount)
    grant.letter_sent_on = None
    grant.acceptance_deadline = None
    payment_plan_set(grant=grant)
    scheme_year_mark_letters_issued(scheme_year=grant.scheme_year, at=timezone.now())
    GRANT_FLOW.move(
        grant,
        S.LETTER_ISSUED,
        by=by,
        action="imdi.grant.letter_issued",
        organisation=grant.organisation,
        fields=["letter_sent_on", "acceptance_deadline"],
        data={"version": letter.version, "amount": str(grant.amount)},
        follow_up=[_deliver_after_commit(letter)],
    )
    return letter


@transaction.atomic
def grant_letter_change(*, grant: Grant, by: User, amount: Decimal, reason: str) -> GrantLetter:
    """A changed grant letter after IMDi consented to a change of the basis for the grant.

    Before acceptance the change simply replaces the letter awaiting acceptance. After
    acceptance the grant keeps what was accepted: the new version asks for acceptance of the
    change only, and the old amount stands until the signatory accepts it."""
    grant = lock(grant, *GRANT_RELATED)
    require_actor(access.is_staff(by))
    require(
        grant.status in (S.LETTER_ISSUED, S.ACCEPTED, S.PAID),
        _("A changed letter can be issued once the grant letter has been sent."),
    )
    letter = _letter_new(grant, kind=LetterKind.CHANGE, amount=amount, reason=reason)
    if grant.status == S.LETTER_ISSUED:
        grant.amount = amount
        grant.letter_sent_on = None
        grant.acceptance_deadline = None
        grant.save(update_fields=["amount", "letter_sent_on", "acceptance_deadline"])
        payment_plan_set(grant=grant)
    audit_log(
        subject=grant,
        action="imdi.grant.letter_changed",
        actor=by,
        organisation=grant.organisation,
        reason=reason,
        data={"version": letter.version, "amount": str(amount)},
    )
    enqueue(*_deliver_after_commit(letter))
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
                **parts.letter_context(letter),
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
    pdf_store(
        letter,
        grant_letter_pdf(letter=letter),
        filename=f"{letter.grant.case_number}-v{letter.version}.pdf",
    )
    return True


@transaction.atomic
def grant_letter_send(*, letter_id: int, on: dt.date | None = None) -> bool:
    """Send a letter once: date it, start its acceptance deadline from that day (the year's
    acceptance window), and queue an e-mail with a link to each of the recipient's users (the
    outbox delivers it). The PDF is rendered after, with that date and deadline. A letter
    replaced before it went out is not sent."""
    letter = (
        GrantLetter.objects.select_for_update(of=("self",))
        .select_related("grant__organisation", "grant__scheme_year__scheme")
        .get(pk=letter_id)
    )
    if letter.sent_on is not None or letter.status != LetterStatus.AWAITING:
        return False
    grant = lock(letter.grant, *GRANT_RELATED)
    letter.sent_on = on or today_in_oslo()
    letter.acceptance_deadline = letter.sent_on + dt.timedelta(
        days=grant.scheme_year.acceptance_window_days
    )
    letter.save(update_fields=["sent_on", "acceptance_deadline"])
    if grant.status == S.LETTER_ISSUED:
        grant.letter_sent_on = letter.sent_on
        grant.acceptance_deadline = letter.acceptance_deadline
        grant.save(update_fields=["letter_sent_on", "acceptance_deadline"])
    organisation_notify(
        organisation=grant.organisation,
        key=f"letter:{letter.pk}",
        template="grants/email/letter",
        context={
            "letter": letter,
            "grant": grant,
            "link": settings.PORTAL_BASE_URL + reverse("grants:grant_detail", args=[grant.pk]),
        },
    )
    audit_log(
        subject=grant,
        action="imdi.grant.letter_sent",
        actor=None,
        organisation=grant.organisation,
        data={
            "version": letter.version,
            "sent_on": str(letter.sent_on),
            "acceptance_deadline": str(letter.acceptance_deadline),
        },
    )
    return True


@transaction.atomic
def grant_letter_deliver(*, letter_id: int) -> None:
    """Send and render a letter in one transaction: if the PDF cannot be made (a full disk, a
    database gone mid-way), the letter is not sent either, so no acceptance deadline runs on a
    letter the municipality cannot open. The task retries; the sweeper finds it again."""
    grant_letter_send(letter_id=letter_id)
    grant_letter_render(letter_id=letter_id)


def letters_sweep(*, now: dt.datetime | None = None) -> int:
    """Deliver again the letters not yet rendered or sent some minutes after they were issued
    (the broker was down, a worker died); run every few minutes by beat."""
    from .tasks import grant_letter_deliver

    stuck = selectors.grant_letters_stuck(before=stuck_before(now))
    return sweep(grant_letter_deliver, stuck.values_list("pk", flat=True))


@transaction.atomic
def letter_accept(*, letter: GrantLetter, by: User, at: dt.datetime | None = None) -> GrantLetter:
    """A signatory accepts a letter before its deadline (end of day, Oslo time). The first
    letter makes the grant accepted and creates the reports it owes; a changed letter to an
    accepted grant makes the change take effect (amount and payment plan)."""
    letter = lock(letter, "grant__organisation", "grant__scheme_year__scheme")
    grant = lock(letter.grant, *GRANT_RELATED)
    LETTER_FLOW.check(letter, LetterStatus.ACCEPTED, by=by, seen=LetterStatus.AWAITING)
    require(
        letter.acceptance_deadline is not None,
        _("The grant letter is still being sent; try again in a few minutes."),
    )
    require(
        is_before_deadline(letter.acceptance_deadline, at=at),
        _("The deadline for acceptance was %(deadline)s; the grant can no longer be accepted.")
        % {"deadline": letter.acceptance_deadline.strftime("%d.%m.%Y")},
    )
    letter.accepted_at = at or timezone.now()
    letter.accepted_by = by
    LETTER_FLOW.move(
        letter,
        LetterStatus.ACCEPTED,
        by=by,
        action="imdi.grant.letter_accepted",
        organisation=grant.organisation,
        subject=grant,
        fields=["accepted_at", "accepted_by"],
        seen=LetterStatus.AWAITING,
        data={"version": letter.version, "amount": str(letter.amount)},
    )
    if grant.status == S.LETTER_ISSUED:
        grant.accepted_at, grant.accepted_by = letter.accepted_at, by
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
    else:
        grant.amount = letter.amount
        grant.save(update_fields=["amount"])
        payment_plan_set(grant=grant)
    return letter


def grant_accept(*, grant: Grant, by: User, at: dt.datetime | None = None) -> GrantLetter:
    """Accept the letter the grant is waiting for."""
    letter = grant.letter_awaiting_acceptance
    require(letter is not None, _("There is no grant letter waiting for acceptance."))
    return letter_accept(letter=letter, by=by, at=at)


def grants_lapse_overdue(*, at: dt.datetime | None = None) -> int:
    """Lapse letters whose acceptance deadline has passed; run hourly by beat. An unaccepted
    first letter lapses the grant; an unaccepted change lapses alone, and the grant stands as it
    was accepted. Each lapses once: the status check under the row lock makes a rerun a no-op."""
    today = (at or timezone.now()).astimezone(OSLO).date()
    lapsed = 0
    candidates = GrantLetter.objects.filter(
        status=LetterStatus.AWAITING, acceptance_deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            letter = GrantLetter.objects.select_for_update().get(pk=pk)
            if letter.status != LetterStatus.AWAITING:
                continue
            grant = lock(letter.grant, *GRANT_RELATED)
            LETTER_FLOW.move(
                letter,
                LetterStatus.LAPSED,
                by=None,
                action="imdi.grant.letter_lapsed",
                organisation=grant.organisation,
                subject=grant,
                data={"version": letter.version},
            )
            if grant.status == S.LETTER_ISSUED:
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
def grant_reopen(*, grant: Grant, by: User, reason: str, seen: str | None = None) -> GrantLetter:
    """A caseworker reopens a lapsed grant with a reason: a new letter version states the new
    acceptance deadline, counted from the day it is sent."""
    require_actor(access.is_staff(by))
    grant = lock(grant, *GRANT_RELATED)
    GRANT_FLOW.check(grant, S.LETTER_ISSUED, by=by, seen=seen)
    require(grant.status == S.LAPSED, _("Only a lapsed grant can be reopened."))
    require(bool(reason.strip()), _("Give a reason for reopening the grant."))
    letter = _letter_new(grant, kind=LetterKind.REOPENED, amount=grant.amount, reason=reason)
    grant.letter_sent_on = None
    grant.acceptance_deadline = None
    GRANT_FLOW.move(
        grant,
        S.LETTER_ISSUED,
        by=by,
        action="imdi.grant.reopened",
        organisation=grant.organisation,
        fields=["letter_sent_on", "acceptance_deadline"],
        reason=reason,
        data={"version": letter.version},
        follow_up=[_deliver_after_commit(letter)],
    )
    return letter


def payments_held_back(*, payments: list[Payment]) -> dict[int, list[str]]:
    """What holds each planned payment back, by payment id: the grant not accepted, or what the
    other apps name (``registry.on_payment_check``: reports due before the term not approved).
    A payment not in the result is released."""
    found = payment_blockers(payments)
    for payment in payments:
        if payment.grant.status != S.ACCEPTED:
            found.setdefault(payment.pk, []).insert(
                0, str(_("%(case)s is not accepted.") % {"case": payment.grant.case_number})
            )
    return found


@transaction.atomic
def payments_propose(*, payments: list[Payment], payment_date: dt.date, by: User) -> PaymentBatch:
    """Propose a payment list for a date: the chosen planned terms, each of an accepted grant
    and released (no report due before it waiting). A second person approves it
    (``payment_batch_approve``); until then nothing is paid."""
    require_actor(access.is_staff(by))
    require(bool(payments), _("Choose at least one payment."))
    batch = PaymentBatch.objects.create(payment_date=payment_date, proposed_by=by)
    for payment in payments:
        payment = lock(payment, "grant__organisation", "grant__scheme_year__scheme")
        grant = lock(payment.grant, *GRANT_RELATED)
        payment.grant = grant
        require(
            payment.status == PaymentStatus.PLANNED,
            _("%(case)s: the %(term)s is already on a payment list.")
            % {"case": grant.case_number, "term": payment.get_term_display().lower()},
            code="stale",
        )
        blockers = payments_held_back(payments=[payment]).get(payment.pk, [])
        require(
            not blockers,
            _("%(case)s, %(term)s: %(why)s")
            % {
                "case": grant.case_number,
                "term": payment.get_term_display().lower(),
                "why": " ".join(blockers),
            },
        )
        payment.batch = batch
        payment.payment_date = payment_date
        payment.organisation_number = grant.organisation.organisation_number or ""
        payment.bank_account_number = grant.bank_account_number
        # Motregning: what is owed back on the grant is taken from this term before it is paid.
        payment.set_off = min(reclaim_outstanding(grant=grant), payment.amount - payment.withheld)
        PAYMENT_FLOW.move(
            payment,
            PaymentStatus.PROPOSED,
            by=by,
            action="imdi.grant.payment_proposed",
            organisation=grant.organisation,
            subject=grant,
            fields=[
                "batch",
                "payment_date",
                "organisation_number",
                "bank_account_number",
                "set_off",
            ],
            data={
                "term": payment.term,
                "amount": str(payment.amount),
                "withheld": str(payment.withheld),
                "set_off": str(payment.set_off),
                "payment_date": str(payment_date),
                "batch": batch.pk,
            },
        )
    return batch


def _batch_locked(batch: PaymentBatch) -> PaymentBatch:
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    require(
        batch.status == BatchStatus.PROPOSED,
        _("The payment list is already %(status)s.")
        % {"status": batch.get_status_display().lower()},
        code="stale",
    )
    return batch


@transaction.atomic
def payment_batch_approve(*, batch: PaymentBatch, by: User) -> PaymentBatch:
    """Approve a proposed payment list: a second person, never the one who proposed it (four
    eyes). A grant whose plan is all approved is paid."""
    require_actor(access.is_staff(by))
    batch = _batch_locked(batch)
    require(
        batch.proposed_by_id != by.pk,
        _("A payment list is approved by someone other than the person who proposed it."),
        code="forbidden",
    )
    now = timezone.now()
    payments = list(
        batch.payments.select_for_update(of=("self",)).select_related(
            "grant__organisation", "grant__scheme_year__scheme"
        )
    )
    for payment in payments:
        payment.approved_by, payment.approved_at = by, now
        PAYMENT_FLOW.move(
            payment,
            PaymentStatus.APPROVED,
            by=by,
            action="imdi.grant.payment_approved",
            organisation=payment.grant.organisation,
            subject=payment.grant,
            fields=["approved_by", "approved_at"],
            data={
                "term": payment.term,
                "amount": str(payment.amount),
                "payment_date": str(batch.payment_date),
                "batch": batch.pk,
            },
        )
    batch.status, batch.approved_by, batch.approved_at = BatchStatus.APPROVED, by, now
    batch.save(update_fields=["status", "approved_by", "approved_at"])
    for grant_id in {p.grant_id for p in payments}:
        grant = Grant.objects.select_for_update().select_related(*GRANT_RELATED).get(pk=grant_id)
        left = grant.payments.exclude(status__in=PAID_STATUSES).exists()
        if grant.status == S.ACCEPTED and not left:
            GRANT_FLOW.move(
                grant, S.PAID, by=by, action="imdi.grant.paid", organisation=grant.organisation
            )
    return batch


@transaction.atomic
def payment_disburse(
    *, payment: Payment, disbursed_on: dt.date, voucher_reference: str, by: User
) -> Payment:
    """The accounting system confirms that an approved payment went out: the day it was paid and
    its voucher (bilagsnummer), from the file IMDi imports (``PaymentDisbursedResource``). Only
    an approved payment can be paid out, once; the same confirmation again changes nothing. The
    payment counted as paid from its approval (``PAID_STATUSES``), so no total changes."""
    require_actor(access.is_staff(by))
    payment = lock(payment, "grant__organisation")
    voucher = voucher_reference.strip()
    case, term = payment.grant.case_number, payment.get_term_display().lower()
    if payment.status == PaymentStatus.DISBURSED:
        require(
            (payment.disbursed_on, payment.voucher_reference) == (disbursed_on, voucher),
            _("%(case)s, %(term)s: already paid out on %(day)s with voucher %(voucher)s.")
            % {
                "case": case,
                "term": term,
                "day": payment.disbursed_on.strftime("%d.%m.%Y"),
                "voucher": payment.voucher_reference,
            },
            code="stale",
        )
        return payment
    require(
        payment.status == PaymentStatus.APPROVED,
        _(
            "%(case)s, %(term)s: the payment is “%(status)s”, not approved on a payment list, so "
            "it cannot have been paid out."
        )
        % {"case": case, "term": term, "status": payment.get_status_display()},
        code="transition",
    )
    require(bool(voucher), _("Give the voucher number (bilagsnummer) of the payment."))
    require(
        disbursed_on <= today_in_oslo(),
        _("%(case)s, %(term)s: the day it was paid out, %(day)s, is in the future.")
        % {"case": case, "term": term, "day": disbursed_on.strftime("%d.%m.%Y")},
    )
    payment.disbursed_on, payment.voucher_reference = disbursed_on, voucher
    PAYMENT_FLOW.move(
        payment,
        PaymentStatus.DISBURSED,
        by=by,
        action="imdi.grant.payment_disbursed",
        organisation=payment.grant.organisation,
        subject=payment.grant,
        fields=["disbursed_on", "voucher_reference"],
        seen=PaymentStatus.APPROVED,
        data={
            "term": payment.term,
            "amount": str(payment.net),
            "disbursed_on": str(disbursed_on),
            "voucher": voucher,
            "batch": payment.batch_id,
        },
    )
    return payment


@transaction.atomic
def payment_batch_reject(*, batch: PaymentBatch, by: User, reason: str) -> PaymentBatch:
    """Send a proposed payment list back: its payments are planned again, to be proposed anew."""
    require_actor(access.is_staff(by))
    require(bool(reason.strip()), _("Give the reason for rejecting the payment list."))
    batch = _batch_locked(batch)
    for payment in batch.payments.select_for_update(of=("self",)).select_related(
        "grant__organisation"
    ):
        payment.batch, payment.payment_date, payment.set_off = None, None, Decimal("0")
        PAYMENT_FLOW.move(
            payment,
            PaymentStatus.PLANNED,
            by=by,
            action="imdi.grant.payment_rejected",
            organisation=payment.grant.organisation,
            subject=payment.grant,
            fields=["batch", "payment_date", "set_off"],
            reason=reason.strip(),
            data={"term": payment.term, "batch": batch.pk},
        )
    batch.status, batch.rejected_reason = BatchStatus.REJECTED, reason.strip()
    batch.save(update_fields=["status", "rejected_reason"])
    return batch


@transaction.atomic
def repayment_record(
    *, grant: Grant, amount: Decimal, received_on: dt.date, reason: str, by: User
) -> Repayment:
    """Record an amount paid back (tilbakebetaling); never more than was paid."""
    grant = lock(grant, *GRANT_RELATED)
    require_actor(access.is_staff(by))
    require(grant.status != S.CLOSED, _("The grant is closed."), code="stale")
    paid = sum((p.net for p in grant.payments.filter(status__in=PAID_STATUSES)), Decimal("0"))
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


# --- Reactions to a breach of conditions: withholding and reclaim --------------------------------

REACTION_FLOW = Workflow(
    noun=_("The reaction"),
    statuses=ReactionStatus,
    transitions={
        (ReactionStatus.PROPOSED, ReactionStatus.APPROVED): access.is_second_administrator,
        (ReactionStatus.PROPOSED, ReactionStatus.REJECTED): access.is_second_administrator,
        # Reversed on appeal, by IMDi or by the appeals body.
        (ReactionStatus.APPROVED, ReactionStatus.REVERSED): access.is_staff,
    },
)


def grant_ledger(*, grant: Grant) -> dict[str, Decimal]:
    """The grant's money in whole kroner: granted, paid out, withheld, reclaimed, set off against
    payments, repaid, and what is still owed back."""
    payments = list(grant.payments.all())
    approved = [p for p in payments if p.status in PAID_STATUSES]
    reclaimed = sum(
        (
            r.amount
            for r in grant.reactions.filter(
                kind=ReactionKind.RECLAIM, status=ReactionStatus.APPROVED
            )
        ),
        Decimal("0"),
    )
    set_off = sum((p.set_off for p in approved), Decimal("0"))
    repaid = sum((r.amount for r in grant.repayments.all()), Decimal("0"))
    return {
        "granted": grant.amount,
        "paid": sum((p.net for p in approved), Decimal("0")),
        "withheld": sum((p.withheld for p in payments), Decimal("0")),
        "reclaimed": reclaimed,
        "set_off": set_off,
        "repaid": repaid,
        "owed": reclaimed - set_off - repaid,
    }


def reclaim_outstanding(*, grant: Grant) -> Decimal:
    """What is owed back and not yet covered by a repayment or a set-off (a term on a list
    awaiting approval counts as covering its set-off)."""
    pending = sum(
        (p.set_off for p in grant.payments.filter(status=PaymentStatus.PROPOSED)), Decimal("0")
    )
    return max(grant_ledger(grant=grant)["owed"] - pending, Decimal("0"))


@transaction.atomic
def reaction_propose(
    *, grant: Grant, kind: str, amount: Decimal, grounds: str, by: User
) -> Reaction:
    """A caseworker proposes to withhold payments not yet made, or to reclaim funds paid, wholly
    or partly, with grounds; an administrator decides (``reaction_decide``)."""
    require_actor(access.is_staff(by))
    grant = lock(grant, *GRANT_RELATED)
    require(
        grant.status in (S.ACCEPTED, S.PAID),
        _("Only an accepted grant can be withheld or reclaimed."),
    )
    require(bool(grounds.strip()), _("Give the grounds for the reaction."))
    require(amount > 0, _("The amount must be more than 0 kr."))
    if kind == ReactionKind.WITHHOLDING:
        left = sum(
            (p.amount - p.withheld for p in grant.payments.filter(status=PaymentStatus.PLANNED)),
            Decimal("0"),
        )
        require(
            amount <= left,
            _("Only payments not yet on a payment list can be withheld: %(left)s kr.")
            % {"left": f"{left:,.0f}".replace(",", "\u00a0")},
        )
    else:
        ledger = grant_ledger(grant=grant)
        proposed = sum(
            (
                r.amount
                for r in grant.reactions.filter(
                    kind=ReactionKind.RECLAIM, status=ReactionStatus.PROPOSED
                )
            ),
            Decimal("0"),
        )
        room = ledger["paid"] - ledger["reclaimed"] - proposed
        require(
            amount <= room,
            _("No more than has been paid out can be reclaimed: %(room)s kr.")
            % {"room": f"{max(room, 0):,.0f}".replace(",", "\u00a0")},
        )
    reaction = Reaction.objects.create(
        grant=grant, kind=kind, amount=amount, grounds=grounds.strip(), proposed_by=by
    )
    audit_log(
        subject=grant,
        action="imdi.grant.reaction_proposed",
        actor=by,
        organisation=grant.organisation,
        reason=reaction.grounds,
        new_status=reaction.status,
        data={"kind": kind, "amount": str(amount), "reaction": reaction.pk},
    )
    return reaction


def _withhold(grant: Grant, amount: Decimal) -> None:
    """Take the withheld amount from the planned terms, the last term first."""
    left = amount
    for payment in (
        grant.payments.select_for_update().filter(status=PaymentStatus.PLANNED).order_by("-due_on")
    ):
        take = min(left, payment.amount - payment.withheld)
        if take > 0:
            payment.withheld += take
            payment.save(update_fields=["withheld"])
            left -= take
    require(left == 0, _("The planned payments changed; look at the grant again."), code="stale")


def _reaction_deliver(reaction: Reaction) -> tuple:
    from .tasks import reaction_letter_deliver

    return (reaction_letter_deliver, reaction.pk)


@transaction.atomic
def reaction_decide(*, reaction: Reaction, by: User, approve: bool, reason: str = "") -> Reaction:
    """An administrator other than the proposer decides the reaction. Approved: a withholding is
    taken from the planned terms; a reclaim is owed by its due date and set off against the next
    payment; the letter is rendered and sent after commit."""
    reaction = lock(reaction, "grant__organisation", "grant__scheme_year__scheme")
    grant = lock(reaction.grant, *GRANT_RELATED)
    target = ReactionStatus.APPROVED if approve else ReactionStatus.REJECTED
    REACTION_FLOW.check(reaction, target, by=by, seen=ReactionStatus.PROPOSED)
    reaction.decided_by, reaction.decided_at = by, timezone.now()
    fields = ["decided_by", "decided_at"]
    follow_up = []
    if approve:
        if reaction.kind == ReactionKind.WITHHOLDING:
            _withhold(grant, reaction.amount)
        else:
            reaction.due_on = today_in_oslo() + dt.timedelta(days=settings.RECLAIM_DAYS_TO_PAY)
            fields.append("due_on")
        reaction.language = grant.organisation.letter_language
        reaction.signed_by, reaction.signer_title = letter_signer(scheme_year=grant.scheme_year)
        fields += ["language", "signed_by", "signer_title"]
        follow_up.append(_reaction_deliver(reaction))
    else:
        require(bool(reason.strip()), _("Give the reason for rejecting the reaction."))
        reaction.rejected_reason = reason.strip()
        fields.append("rejected_reason")
    REACTION_FLOW.move(
        reaction,
        target,
        by=by,
        action="imdi.grant.reaction_decided" if approve else "imdi.grant.reaction_rejected",
        organisation=grant.organisation,
        subject=grant,
        fields=fields,
        reason=reason.strip(),
        seen=ReactionStatus.PROPOSED,
        data={"kind": reaction.kind, "amount": str(reaction.amount), "reaction": reaction.pk},
        follow_up=follow_up,
    )
    return reaction


def reaction_letter_pdf(*, reaction: Reaction) -> bytes:
    from weasyprint import HTML

    grant = reaction.grant
    try:
        appealable = scheme_parts(scheme_code=grant.scheme_code).reactions_appealable
    except LookupError:
        appealable = False
    with translation.override(reaction.language or grant.organisation.letter_language):
        html = render_to_string(
            "grants/reaction_letter.html",
            {
                "reaction": reaction,
                "grant": grant,
                "organisation": grant.organisation,
                "scheme_year": grant.scheme_year,
                "ledger": grant_ledger(grant=grant),
                "appealable": appealable,
                "account": settings.IMDI_REPAYMENT_ACCOUNT,
            },
        )
    return HTML(string=html).write_pdf()


@transaction.atomic
def reaction_letter_send(*, reaction_id: int, on: dt.date | None = None) -> bool:
    """Date the decided reaction's letter and queue its e-mail once."""
    reaction = (
        Reaction.objects.select_for_update(of=("self",))
        .select_related("grant__organisation", "grant__scheme_year__scheme")
        .get(pk=reaction_id)
    )
    if reaction.sent_on is not None or reaction.status != ReactionStatus.APPROVED:
        return False
    reaction.sent_on = on or today_in_oslo()
    reaction.save(update_fields=["sent_on"])
    grant = reaction.grant
    organisation_notify(
        organisation=grant.organisation,
        key=f"reaction:{reaction.pk}",
        template="grants/email/reaction",
        context={
            "reaction": reaction,
            "grant": grant,
            "link": settings.PORTAL_BASE_URL + reverse("grants:grant_detail", args=[grant.pk]),
        },
    )
    audit_log(
        subject=grant,
        action="imdi.grant.reaction_letter_sent",
        actor=None,
        organisation=grant.organisation,
        data={"reaction": reaction.pk, "sent_on": str(reaction.sent_on)},
    )
    return True


@transaction.atomic
def reaction_letter_render(*, reaction_id: int) -> bool:
    reaction = (
        Reaction.objects.select_for_update(of=("self",))
        .select_related("grant__organisation", "grant__scheme_year__scheme")
        .get(pk=reaction_id)
    )
    if reaction.rendered_at is not None or reaction.status != ReactionStatus.APPROVED:
        return False
    pdf_store(
        reaction,
        reaction_letter_pdf(reaction=reaction),
        filename=f"{reaction.kind}-{reaction.grant.case_number}-{reaction.pk}.pdf",
    )
    return True


def reaction_letters_sweep(*, now: dt.datetime | None = None) -> int:
    """Deliver again decided reactions whose letter is not sent or rendered after some minutes."""
    from .tasks import reaction_letter_deliver

    stuck = selectors.reaction_letters_stuck(before=stuck_before(now))
    return sweep(reaction_letter_deliver, stuck.values_list("pk", flat=True))


@transaction.atomic
def reaction_reverse(*, reaction: Reaction, by: User, reason: str) -> Reaction:
    """A decided reaction reversed on appeal: what is still withheld from planned terms is
    released, and a reclaim is no longer owed (what was already set off or repaid shows on the
    grant's account as owed to the recipient)."""
    reaction = lock(reaction, "grant__organisation")
    grant = lock(reaction.grant, *GRANT_RELATED)
    REACTION_FLOW.check(reaction, ReactionStatus.REVERSED, by=by, seen=ReactionStatus.APPROVED)
    if reaction.kind == ReactionKind.WITHHOLDING:
        left = reaction.amount
        for payment in (
            grant.payments.select_for_update()
            .filter(status=PaymentStatus.PLANNED, withheld__gt=0)
            .order_by("due_on")
        ):
            give = min(left, payment.withheld)
            payment.withheld -= give
            payment.save(update_fields=["withheld"])
            left -= give
    REACTION_FLOW.move(
        reaction,
        ReactionStatus.REVERSED,
        by=by,
        action="imdi.grant.reaction_reversed",
        organisation=grant.organisation,
        subject=grant,
        reason=reason,
        seen=ReactionStatus.APPROVED,
        data={"kind": reaction.kind, "amount": str(reaction.amount), "reaction": reaction.pk},
    )
    return reaction


def reaction_letter_opened(*, reaction: Reaction, by: User) -> None:
    """The first time a member of the recipient opens the letter, it has reached them."""
    if reaction.opened_on is None and not by.is_imdi_staff:
        Reaction.objects.filter(pk=reaction.pk, opened_on__isnull=True).update(
            opened_on=today_in_oslo()
        )


# --- Closing ------------------------------------------------------------------------------------


def grant_closing_problems(*, grant: Grant) -> list[str]:
    """What keeps a grant open: terms still to pay, a reaction being decided, money still owed
    back, and what the other apps name (reports not approved, appeals being handled)."""
    problems = []
    if grant.status not in (S.ACCEPTED, S.PAID):
        problems.append(str(_("Only an accepted grant can be closed.")))
    open_terms = [
        p
        for p in grant.payments.exclude(status__in=PAID_STATUSES)
        if p.status == PaymentStatus.PROPOSED or p.net > 0
    ]
    if open_terms:
        problems.append(str(_("%(count)s terms are not paid yet.") % {"count": len(open_terms)}))
    if grant.reactions.filter(status=ReactionStatus.PROPOSED).exists():
        problems.append(str(_("A proposed withholding or reclaim is not decided yet.")))
    owed = grant_ledger(grant=grant)["owed"]
    if owed > 0:
        problems.append(
            str(
                _("%(amount)s kr is still owed back.")
                % {"amount": f"{owed:,.0f}".replace(",", "\u00a0")}
            )
        )
    return problems + close_blockers(grant)


def _closing_deliver(letter: ClosingLetter) -> tuple:
    from .tasks import closing_letter_deliver

    return (closing_letter_deliver, letter.pk)


@transaction.atomic
def grant_close(*, grant: Grant, by: User) -> Grant:
    """Close the grant: every report approved, every payment and reclaim settled. The case is
    read-only from now on; a closing letter is rendered and sent after commit."""
    grant = lock(grant, *GRANT_RELATED)
    GRANT_FLOW.check(grant, S.CLOSED, by=by)
    problems = grant_closing_problems(grant=grant)
    require(not problems, " ".join(problems))
    signed_by, signer_title = letter_signer(scheme_year=grant.scheme_year)
    letter = ClosingLetter.objects.create(
        grant=grant,
        language=grant.organisation.letter_language,
        signed_by=signed_by,
        signer_title=signer_title,
    )
    GRANT_FLOW.move(
        grant,
        S.CLOSED,
        by=by,
        action="imdi.grant.closed",
        organisation=grant.organisation,
        data={k: str(v) for k, v in grant_ledger(grant=grant).items()},
        follow_up=[_closing_deliver(letter)],
    )
    return grant


@transaction.atomic
def closing_letter_send(*, letter_id: int, on: dt.date | None = None) -> bool:
    letter = (
        ClosingLetter.objects.select_for_update(of=("self",))
        .select_related("grant__organisation", "grant__scheme_year__scheme")
        .get(pk=letter_id)
    )
    if letter.sent_on is not None:
        return False
    letter.sent_on = on or today_in_oslo()
    letter.save(update_fields=["sent_on"])
    grant = letter.grant
    organisation_notify(
        organisation=grant.organisation,
        key=f"closing:{letter.pk}",
        template="grants/email/closing",
        context={
            "grant": grant,
            "link": settings.PORTAL_BASE_URL + reverse("grants:grant_money", args=[grant.pk]),
        },
    )
    return True


@transaction.atomic
def closing_letter_render(*, letter_id: int) -> bool:
    from weasyprint import HTML

    letter = (
        ClosingLetter.objects.select_for_update(of=("self",))
        .select_related("grant__organisation", "grant__scheme_year__scheme")
        .get(pk=letter_id)
    )
    if letter.rendered_at is not None:
        return False
    grant = letter.grant
    with translation.override(letter.language):
        html = render_to_string(
            "grants/closing_letter.html",
            {
                "letter": letter,
                "grant": grant,
                "organisation": grant.organisation,
                "scheme_year": grant.scheme_year,
                "ledger": grant_ledger(grant=grant),
            },
        )
    pdf_store(letter, HTML(string=html).write_pdf(), filename=f"avslutning-{grant.case_number}.pdf")
    return True


def closing_letters_sweep(*, now: dt.datetime | None = None) -> int:
    """Deliver again the closing letters not sent or rendered some minutes after closing."""
    from .tasks import closing_letter_deliver

    stuck = selectors.closing_letters_stuck(before=stuck_before(now))
    return sweep(closing_letter_deliver, stuck.values_list("pk", flat=True))
