"""The integration reception grant up to the decision: agreements, places, partnership agreements,
the yearly offer with its acceptance letter, and change requests. The grant itself, its letters
and payments are ``grants``'."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.scanning import (
    ScanStatus,
    scan_result_field,
    scan_status_field,
    scanned_at_field,
)
from imdi_grants.lib.uploads import stored_file_name


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


def _partnership_document_path(instance: PartnershipAgreement, filename: str) -> str:
    return f"partnership/{timezone.now():%Y}/{stored_file_name(filename)}"


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
        upload_to=_partnership_document_path,
        max_length=300,
        validators=[FileExtensionValidator(["pdf"])],
    )
    # The uploader's name for the document (kept only to show) and its scan.
    document_original_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_scan_status = scan_status_field()
    document_scanned_at = scanned_at_field()
    document_scan_result = scan_result_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.valid_from:%d.%m.%Y})"

    @property
    def document_quarantined(self) -> bool:
        return self.document_scan_status == ScanStatus.QUARANTINED

    def covers(self, start: dt.date, end: dt.date) -> bool:
        """Valid on every day from ``start`` to ``end``: the grant year's part that the grant
        covers (Rundskriv 06/2024 point 3); one that expires in January does not qualify."""
        return self.valid_from <= start and (self.valid_to is None or self.valid_to >= end)


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offer sent")
    ACCEPTANCE_LETTER_SUBMITTED = "acceptance_letter_submitted", _("Acceptance letter received")
    GRANTED = "granted", _("Grant decided")


class ReceptionOffer(models.Model):
    """The yearly offer (tilbudsbrev) to a municipality with an integration reception centre:
    the case begins here, the acceptance letter (akseptbrev) answers it, and issuing the grant
    letter turns it into a ``grants.Grant`` with the same case number."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="reception_offers"
    )
    scheme_year = models.ForeignKey(
        "schemes.SchemeYear", on_delete=models.PROTECT, related_name="reception_offers"
    )
    agreement = models.ForeignKey(
        ReceptionAgreement, on_delete=models.PROTECT, related_name="offers"
    )
    case_number = models.CharField(_("case number"), max_length=30, unique=True)
    status = models.CharField(
        _("status"), max_length=40, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    amount = models.DecimalField(
        _("amount (NOK)"), max_digits=12, decimal_places=0, validators=[MinValueValidator(0)]
    )
    grant = models.OneToOneField(
        "grants.Grant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reception_offer",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("integration reception grant")
        verbose_name_plural = _("integration reception grants")
        ordering = ["-scheme_year__year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scheme_year"], name="one_reception_offer_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.organisation}"

    @property
    def status_display(self) -> str:
        """The offer's stage until the grant exists, then the grant's status."""
        if self.grant is not None:
            return self.grant.get_status_display()
        return self.get_status_display()

    @property
    def tone(self) -> str:
        return self.grant.tone if self.grant is not None else "info"

    @property
    def is_offered(self) -> bool:
        return self.status == OfferStatus.OFFERED


class AcceptanceLetter(models.Model):
    """The municipality's acceptance letter (akseptbrev), with every field the circular asks for
    (Rundskriv 06/2024 point 6)."""

    offer = models.OneToOneField(
        ReceptionOffer, on_delete=models.CASCADE, related_name="acceptance_letter"
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
        return f"{self.offer.case_number}: {self.municipality_name}"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ChangeRequest(models.Model):
    """A written request from the municipality to change the basis for the grant (endring i
    grunnlaget); only IMDi's consent changes it, through a new letter version."""

    grant = models.ForeignKey(
        "grants.Grant", on_delete=models.CASCADE, related_name="change_requests"
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

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeRequestStatus.PENDING
