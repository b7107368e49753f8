"""The integration reception grant: agreements, places, partnership agreements, the yearly grant
case with its acceptance letter, grant letters, and payment."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReceptionAgreement(models.Model):
    """The agreement between IMDi and a municipality on an integration reception centre
    (integreringsmottak). Only a municipality with one can receive the grant."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="reception_agreements"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("integration reception agreement")
        verbose_name_plural = _("integration reception agreements")
        ordering = ["organisation__name", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.start_date:%d.%m.%Y})"

    def covers_year(self, year: int) -> bool:
        return self.start_date <= dt.date(year, 12, 31) and (
            self.end_date is None or self.end_date >= dt.date(year, 1, 1)
        )


class PlaceCount(models.Model):
    """The number of places from a date; the history is what the grant is computed from."""

    agreement = models.ForeignKey(
        ReceptionAgreement, on_delete=models.CASCADE, related_name="place_counts"
    )
    valid_from = models.DateField(_("valid from"))
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("number of places")
        verbose_name_plural = _("numbers of places")
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "valid_from"], name="one_place_count_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.places} ({self.valid_from:%d.%m.%Y})"


class PartnershipAgreement(models.Model):
    """Partnerskapsavtale between the municipality and its asylum reception centre, career centre
    and NAV office, describing each party's participation and responsibilities."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="partnership_agreements"
    )
    asylum_reception_centre = models.CharField(_("asylum reception centre"), max_length=200)
    career_centre = models.CharField(_("career centre"), max_length=200)
    nav_office = models.CharField(_("NAV office"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    responsibilities = models.TextField(_("each party's participation and responsibilities"))
    document = models.FileField(
        _("signed agreement (PDF)"),
        upload_to="partnership/%Y/",
        validators=[FileExtensionValidator(["pdf"])],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.valid_from:%d.%m.%Y})"

    def is_valid_in(self, year: int) -> bool:
        return self.valid_from <= dt.date(year, 12, 31) and (
            self.valid_to is None or self.valid_to >= dt.date(year, 1, 1)
        )


class GrantStatus(models.TextChoices):
    OFFERED = "offered", _("Offer sent")
    ACCEPTANCE_LETTER_SUBMITTED = "acceptance_letter_submitted", _("Acceptance letter received")
    LETTER_ISSUED = "letter_issued", _("Grant letter sent")
    ACCEPTED = "accepted", _("Accepted")
    LAPSED = "lapsed", _("Lapsed")
    PAID = "paid", _("Paid")


class ReceptionGrant(models.Model):
    """One municipality's grant case for one year."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="reception_grants"
    )
    scheme_year = models.ForeignKey(
        "schemes.SchemeYear", on_delete=models.PROTECT, related_name="reception_grants"
    )
    agreement = models.ForeignKey(
        ReceptionAgreement, on_delete=models.PROTECT, related_name="grants"
    )
    case_number = models.CharField(_("case number"), max_length=30, unique=True)
    status = models.CharField(
        _("status"), max_length=40, choices=GrantStatus.choices, default=GrantStatus.OFFERED
    )
    amount = models.DecimalField(
        _("amount (NOK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    letter_sent_on = models.DateField(_("grant letter sent"), null=True, blank=True)
    acceptance_deadline = models.DateField(_("acceptance deadline"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("integration reception grant")
        verbose_name_plural = _("integration reception grants")
        ordering = ["-scheme_year__year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scheme_year"], name="one_reception_grant_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.organisation}"


class GrantLetter(models.Model):
    """An issued grant letter (tilskuddsbrev). Immutable once rendered; a correction is a new
    version."""

    grant = models.ForeignKey(ReceptionGrant, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField(_("version"))
    amount = models.DecimalField(_("amount (NOK)"), max_digits=12, decimal_places=0)
    language = models.CharField(_("language"), max_length=5)
    file = models.FileField(_("PDF"), upload_to="letters/reception/%Y/", blank=True)
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

    def __str__(self) -> str:
        return f"{self.grant.case_number} v{self.version}"


class AcceptanceLetter(models.Model):
    """The municipality's acceptance letter (akseptbrev), with every field the circular asks for
    (Rundskriv 06/2024 point 6)."""

    grant = models.OneToOneField(
        ReceptionGrant, on_delete=models.CASCADE, related_name="acceptance_letter"
    )
    municipality_name = models.CharField(_("municipality's name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("telephone"), max_length=30)
    email = models.EmailField(_("e-mail address"))
    organisation_number = models.CharField(_("organisation number"), max_length=9)
    bank_account_number = models.CharField(_("bank account number for payment"), max_length=11)
    contact_persons = models.TextField(_("contact persons"))
    prerequisites = models.TextField(_("the municipality's prerequisites and competence"))
    earlier_grants = models.TextField(
        _("earlier grants from IMDi (date and case number)"), blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("acceptance letter")
        verbose_name_plural = _("acceptance letters")

    def __str__(self) -> str:
        return f"{self.grant.case_number}: {self.municipality_name}"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ChangeRequest(models.Model):
    """A written request from the municipality to change the basis for the grant (endring i
    grunnlaget); only IMDi's consent changes it, through a new letter version."""

    grant = models.ForeignKey(
        ReceptionGrant, on_delete=models.CASCADE, related_name="change_requests"
    )
    description = models.TextField(_("what should change, and why"))
    places = models.PositiveIntegerField(_("new number of places"), null=True, blank=True)
    places_from = models.DateField(_("from date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment on the decision"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.grant.case_number}: {self.get_status_display()}"


class Payment(models.Model):
    """The yearly payment (utbetaling) of an accepted grant, approved on a payment list."""

    grant = models.OneToOneField(ReceptionGrant, on_delete=models.PROTECT, related_name="payment")
    amount = models.DecimalField(_("amount (NOK)"), max_digits=12, decimal_places=0)
    payment_date = models.DateField(_("payment date"))
    organisation_number = models.CharField(_("organisation number"), max_length=9)
    bank_account_number = models.CharField(_("bank account number"), max_length=11)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["payment_date", "grant__case_number"]

    def __str__(self) -> str:
        return f"{self.grant.case_number}: {self.amount}"


class Repayment(models.Model):
    """An unused amount paid back (tilbakebetaling), recorded against the grant."""

    grant = models.ForeignKey(ReceptionGrant, on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField(
        _("amount (NOK)"), max_digits=12, decimal_places=0, validators=[MinValueValidator(1)]
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
