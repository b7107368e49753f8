"""The grant (tilskudd) once IMDi has decided, the same for both schemes.

A scheme's own app (``applications.reception``, ``applications.development``) decides and creates
the ``Grant``; from then on the letter, the acceptance and its deadline, the payment plan and the
payments, and repayments are these models, whatever the scheme.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.letters import SignedLetter
from schemes.models import TermKind

MONEY = {"max_digits": 12, "decimal_places": 0}


class CaseNumberSequence(models.Model):
    """The last case number (saksnummer) used in a year; case numbers read "2024/00012". One
    sequence for every case, whichever scheme it begins in."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Decided; grant letter not yet sent")
    LETTER_ISSUED = "letter_issued", _("Grant letter sent")
    ACCEPTED = "accepted", _("Accepted")
    LAPSED = "lapsed", _("Lapsed")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed")


class Grant(models.Model):
    """A grant to one organisation for one scheme year, from the decision to the last report."""

    case_number = models.CharField(_("case number"), max_length=30, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("recipient"),
    )
    scheme_year = models.ForeignKey(
        "schemes.SchemeYear",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("scheme year"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    amount = models.DecimalField(
        _("amount for the year (NOK)"), validators=[MinValueValidator(0)], **MONEY
    )
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
    bank_account_number = models.CharField(_("bank account number for payment"), max_length=11)
    letter_sent_on = models.DateField(_("grant letter sent"), null=True, blank=True)
    acceptance_deadline = models.DateField(_("acceptance deadline"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-scheme_year__year", "organisation__name"]
        indexes = [models.Index(fields=["status", "acceptance_deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="grant_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.organisation}"

    @property
    def scheme_code(self) -> str:
        return self.scheme_year.scheme.code

    @property
    def is_awaiting_acceptance(self) -> bool:
        return self.status == GrantStatus.LETTER_ISSUED

    @property
    def letter_awaiting_acceptance(self) -> GrantLetter | None:
        """The letter version the recipient has yet to accept: the first letter, or a change."""
        return self.letters.filter(status=LetterStatus.AWAITING).order_by("-version").first()

    @property
    def tone(self) -> str:
        """How the status reads at a glance: the colour of its tag."""
        if self.status == GrantStatus.LAPSED:
            return "danger"
        if self.is_accepted:
            return "success"
        return "info"

    @property
    def is_accepted(self) -> bool:
        """Accepted, and perhaps paid since: what a report or a payment needs."""
        return self.status in (GrantStatus.ACCEPTED, GrantStatus.PAID)


class PlannedYear(models.Model):
    """A later year of a multi-year project: recorded when the first year is awarded, subject
    to the parliament's appropriation, and awarded one year at a time."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="planned_years")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("planned amount (NOK)"), validators=[MinValueValidator(0)], **MONEY
    )
    continued_as = models.OneToOneField(
        "Grant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continues",
        verbose_name=_("awarded as"),
        help_text=_("The grant of this year, once the appropriation is confirmed."),
    )

    class Meta:
        verbose_name = _("planned later year")
        verbose_name_plural = _("planned later years")
        ordering = ["grant", "year"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "year"], name="one_planned_amount_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.grant.case_number} {self.year}: {self.amount}"


class LetterKind(models.TextChoices):
    GRANT = "grant", _("Grant letter")
    CHANGE = "change", _("Changed grant letter")
    REOPENED = "reopened", _("Grant letter with a new acceptance deadline")


class LetterStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    LAPSED = "lapsed", _("Not accepted in time")
    SUPERSEDED = "superseded", _("Replaced by a later version")


class GrantLetter(models.Model):
    """An issued grant letter (tilskuddsbrev), in the recipient's written standard. Immutable
    once rendered; a correction is a new version. Each version is accepted on its own: a changed
    letter to an accepted grant asks for acceptance of the change only, and the grant keeps what
    was accepted until then."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=LetterKind.choices, default=LetterKind.GRANT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.AWAITING
    )
    sent_on = models.DateField(_("sent"), null=True, blank=True)
    acceptance_deadline = models.DateField(
        _("acceptance deadline"),
        null=True,
        blank=True,
        help_text=_("Counted from the day the letter was sent; none while it is being sent."),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_by = models.CharField(_("signed by (budget authority)"), max_length=200)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    reason = models.TextField(_("why this version"), blank=True)
    details = models.JSONField(
        _("the scheme's part of the letter"),
        default=dict,
        blank=True,
        help_text=_("Taken when the letter is issued, e.g. the rate and the monthly breakdown."),
    )
    amount = models.DecimalField(_("amount (NOK)"), **MONEY)
    language = models.CharField(_("language"), max_length=5)
    file = models.FileField(_("PDF"), upload_to="letters/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    class Meta:
        verbose_name = _("grant letter")
        verbose_name_plural = _("grant letters")
        ordering = ["grant", "version"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "version"], name="one_letter_per_version")
        ]
        indexes = [
            # The letters waiting for acceptance, by deadline (the dashboard's deadlines).
            models.Index(
                fields=["acceptance_deadline"],
                condition=models.Q(status="awaiting"),
                name="grantletter_awaiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grant.case_number} v{self.version}"

    @property
    def is_awaiting_acceptance(self) -> bool:
        return self.status == LetterStatus.AWAITING

    @property
    def is_change(self) -> bool:
        return self.kind == LetterKind.CHANGE


class PaymentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PROPOSED = "proposed", _("Proposed for payment")
    APPROVED = "approved", _("Approved for payment")
    #: The accounting system confirms the payment went out (``payment_disburse``).
    DISBURSED = "disbursed", _("Paid out")


#: A payment approved on a payment list counts as paid (in the ledger, the totals, the grant's
#: status), whether or not the accounting system has confirmed it yet.
PAID_STATUSES = (PaymentStatus.APPROVED, PaymentStatus.DISBURSED)


class BatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PaymentBatch(models.Model):
    """A payment list for one payment date: proposed by one person and approved by another (four
    eyes) before it goes to the accounting system."""

    payment_date = models.DateField(_("payment date"))
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejected_reason = models.TextField(_("why rejected"), blank=True)

    class Meta:
        verbose_name = _("payment list")
        verbose_name_plural = _("payment lists")
        ordering = ["-payment_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.payment_date:%d.%m.%Y} #{self.pk}"


class Payment(models.Model):
    """One term of a grant's payment plan (utbetaling): planned when the grant letter is issued,
    approved on a payment list once the grant is accepted, and paid out when the accounting
    system confirms it (the day and its voucher)."""

    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="payments", verbose_name=_("grant")
    )
    term = models.CharField(_("term"), max_length=10, choices=TermKind.choices)
    due_on = models.DateField(_("planned payment date"))
    amount = models.DecimalField(_("amount (NOK)"), validators=[MinValueValidator(0)], **MONEY)
    withheld = models.DecimalField(
        _("withheld (NOK)"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    set_off = models.DecimalField(
        _("set off against a reclaim (NOK)"),
        default=0,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PLANNED
    )
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("payment list"),
    )
    payment_date = models.DateField(_("payment date"), null=True, blank=True)
    organisation_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    bank_account_number = models.CharField(_("bank account number"), max_length=11, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    disbursed_on = models.DateField(_("paid out on"), null=True, blank=True)
    voucher_reference = models.CharField(
        _("voucher number"),
        max_length=30,
        blank=True,
        help_text=_("The accounting system's voucher (bilagsnummer) for the payment."),
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["due_on", "grant__case_number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "term"], name="one_payment_per_term"),
            models.CheckConstraint(
                condition=models.Q(status="planned")
                | models.Q(batch__isnull=False, payment_date__isnull=False),
                name="approved_payment_is_on_a_list",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="disbursed")
                | (models.Q(disbursed_on__isnull=False) & ~models.Q(voucher_reference="")),
                name="disbursed_payment_has_voucher",
            ),
        ]
        indexes = [
            # The terms not yet on a payment list, soonest first: what the payments page and
            # its list proposal read, a few hundred among every term ever paid.
            models.Index(
                fields=["due_on"],
                condition=models.Q(status__in=["planned", "proposed"]),
                name="payment_planned_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grant.case_number} {self.get_term_display()}: {self.amount}"

    @property
    def net(self) -> Decimal:
        """What is paid out: the term, less what is withheld and what is set off."""
        return self.amount - self.withheld - self.set_off


class Repayment(models.Model):
    """An amount paid back to IMDi (tilbakebetaling), recorded against the grant's ledger."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField(
        _("amount (NOK)"), validators=[MinValueValidator(Decimal("1"))], **MONEY
    )
    received_on = models.DateField(_("received"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["received_on"]

    def __str__(self) -> str:
        return f"{self.grant.case_number}: {self.amount}"


class ReactionKind(models.TextChoices):
    WITHHOLDING = "withholding", _("Withholding")
    RECLAIM = "reclaim", _("Reclaim")


class ReactionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Decided")
    REJECTED = "rejected", _("Rejected")
    REVERSED = "reversed", _("Reversed on appeal")


def _reaction_letter_path(instance: Reaction, filename: str) -> str:
    return f"reactions/{instance.grant_id}/{filename}"


class Reaction(models.Model):
    """A reaction to a breach of the grant's conditions: withholding (tilbakeholdelse) of
    payments not yet made, or reclaim (tilbakekreving) of funds paid, wholly or partly. Proposed
    by a caseworker with grounds and decided by an administrator (another person). For the
    development grant the decision is an individual decision that may be appealed; its letter
    says so."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="reactions")
    kind = models.CharField(_("reaction"), max_length=12, choices=ReactionKind.choices)
    amount = models.DecimalField(
        _("amount (NOK)"), validators=[MinValueValidator(Decimal("1"))], **MONEY
    )
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReactionStatus.choices,
        default=ReactionStatus.PROPOSED,
    )
    due_on = models.DateField(_("to be paid back by"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rejected_reason = models.TextField(_("why rejected"), blank=True)
    # The letter (krav / vedtak), rendered once after the decision.
    language = models.CharField(_("language"), max_length=5, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    sent_on = models.DateField(_("letter sent"), null=True, blank=True)
    opened_on = models.DateField(
        _("letter first opened by the recipient"),
        null=True,
        blank=True,
        help_text=_("The day the letter reached the recipient, for the appeal deadline."),
    )
    file = models.FileField(_("PDF"), upload_to=_reaction_letter_path, max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    class Meta:
        verbose_name = _("reaction to a breach of conditions")
        verbose_name_plural = _("reactions to breaches of conditions")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.grant.case_number}: {self.get_kind_display()} {self.amount}"

    @property
    def is_reclaim(self) -> bool:
        return self.kind == ReactionKind.RECLAIM


def _closing_letter_path(instance: ClosingLetter, filename: str) -> str:
    return f"letters/closing/{filename}"


class ClosingLetter(SignedLetter):
    """The letter that closes a grant (avslutningsbrev): what was granted, paid, withheld,
    reclaimed and paid back. Rendered once after commit, in the recipient's written standard."""

    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="closing_letter")
    file = models.FileField(_("PDF"), upload_to=_closing_letter_path, max_length=300, blank=True)

    class Meta:
        verbose_name = _("closing letter")
        verbose_name_plural = _("closing letters")

    def __str__(self) -> str:
        return str(self.grant)
