"""Reports on grants: the half-yearly grant report (tilskuddsrapport) and the annual report with
project accounts (årsrapport, prosjektregnskap)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.scanning import (
    ScanStatus,
    scan_result_field,
    scan_status_field,
    scanned_at_field,
)
from imdi_grants.lib.uploads import stored_file_name
from schemes.models import ReportKind, SchemeCode


class ReportStatus(models.TextChoices):
    DUE = "due", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Sent back")


class ProgrammeComponent(models.TextChoices):
    """The programme's content (Rundskriv 06/2024): three mandatory components, and six that
    are there as a main rule."""

    NORWEGIAN = "norwegian", _("Norwegian training")
    SOCIAL_STUDIES = "social_studies", _("Social studies")
    COMPETENCE_MAPPING = "competence_mapping", _("Competence mapping")
    CAREER_GUIDANCE = "career_guidance", _("Career guidance")
    LANGUAGE_PRACTICE = "language_practice", _("Language practice")
    WORK_ORIENTED = "work_oriented", _("Work-oriented activities")
    VOLUNTARY_OR_RECEPTION = (
        "voluntary_or_reception",
        _("Activities with voluntary organisations or the reception centre"),
    )
    SCHOOL_AND_EDUCATION = "school_and_education", _("School and education activities")
    INCENTIVES = "incentives", _("Incentive and bonus schemes")


MANDATORY_COMPONENTS = (
    ProgrammeComponent.NORWEGIAN,
    ProgrammeComponent.SOCIAL_STUDIES,
    ProgrammeComponent.COMPETENCE_MAPPING,
)

#: The schemes whose reports account for participants' activities by programme component
#: (Rundskriv 06/2024: "en redegjørelse for deltakernes aktiviteter").
SCHEMES_WITH_PROGRAMME_COMPONENTS = frozenset({SchemeCode.RECEPTION})

#: The schemes whose project accounts must be on IMDi's reporting form for accounts (Rundskriv
#: 06/2024 point 9.1: "Til prosjektregnskapet skal dere bruke IMDIs rapporteringsskjema").
SCHEMES_REQUIRING_THE_ACCOUNTS_FORM = frozenset({SchemeCode.RECEPTION})


def _accounts_file_path(instance: Report, filename: str) -> str:
    return f"reports/accounts/{timezone.now():%Y}/{stored_file_name(filename)}"


class Report(models.Model):
    """One report a grant owes, created from the scheme year's report deadlines when the grant
    is accepted, for either scheme."""

    grant = models.ForeignKey("grants.Grant", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    narrative = models.TextField(
        _("how the work contributed to the scheme's result goals and how the grant was used"),
        blank=True,
    )
    income = models.DecimalField(
        _("booked income (NOK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expenses = models.DecimalField(
        _("booked expenses (NOK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    accounts_file = models.FileField(
        _("accounts on IMDi's form (XLSX)"),
        upload_to=_accounts_file_path,
        max_length=300,
        blank=True,
        validators=[FileExtensionValidator(["xlsx"])],
    )
    # The user's name for the accounts file (kept only to show) and its scan.
    accounts_file_original_name = models.CharField(_("file name"), max_length=200, blank=True)
    accounts_file_scan_status = scan_status_field()
    accounts_file_scanned_at = scanned_at_field()
    accounts_file_scan_result = scan_result_field()
    project_lead_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project_lead_approved_at = models.DateTimeField(null=True, blank=True)
    manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    manager_approved_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("caseworker's comment"), blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["due_date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "kind", "period_start"], name="one_report_per_period"
            )
        ]
        indexes = [
            # The reports still owed, by due date (deadlines, overdue lists, reminders).
            models.Index(
                fields=["due_date"],
                condition=models.Q(status__in=["due", "returned"]),
                name="report_owed",
            ),
            # The reports waiting for a caseworker, oldest first (the staff's start page).
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(status="submitted"),
                name="report_to_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"

    @property
    def needs_accounts_approval(self) -> bool:
        return self.kind == ReportKind.ANNUAL

    @property
    def accounts_file_name(self) -> str:
        if not self.accounts_file:
            return ""
        return self.accounts_file_original_name or self.accounts_file.name.rsplit("/", 1)[-1]

    @property
    def accounts_file_quarantined(self) -> bool:
        return bool(self.accounts_file) and self.accounts_file_scan_status == ScanStatus.QUARANTINED

    @property
    def needs_narrative(self) -> bool:
        """The annual report says how the work contributed to the result goals and how the grant
        was used; the status report (the development grant's, 1 September) how the project is
        being carried out."""
        return self.needs_accounts_approval or self.kind == ReportKind.STATUS

    @property
    def needs_accounts_form(self) -> bool:
        return (
            self.needs_accounts_approval
            and self.grant.scheme_year.scheme.code in SCHEMES_REQUIRING_THE_ACCOUNTS_FORM
        )

    @property
    def has_programme_components(self) -> bool:
        return self.grant.scheme_year.scheme.code in SCHEMES_WITH_PROGRAMME_COMPONENTS

    @property
    def is_open_for_filling(self) -> bool:
        """Not yet submitted, or sent back for correction."""
        return self.status in (ReportStatus.DUE, ReportStatus.RETURNED)

    @property
    def is_returned(self) -> bool:
        return self.status == ReportStatus.RETURNED

    @property
    def is_waiting_for_review(self) -> bool:
        return self.status == ReportStatus.SUBMITTED


class ReportActivity(models.Model):
    """Activities for the participants in one programme component during the period."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="activities")
    component = models.CharField(
        _("programme component"), max_length=30, choices=ProgrammeComponent.choices
    )
    participants = models.PositiveIntegerField(_("participants"), default=0)
    description = models.TextField(_("activities"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["report", "component"]
        constraints = [
            models.UniqueConstraint(fields=["report", "component"], name="one_line_per_component")
        ]

    def __str__(self) -> str:
        return self.get_component_display()
