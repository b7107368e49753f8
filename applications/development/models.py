"""Applications for the development grant (Rundskriv 08-2025).

An application (søknad) is prepared by an organisation's applicants as a draft, over as many visits
as they need, and submitted by a signatory of the organisation with project responsibility. On
submission it is frozen and gets a case number (saksnummer); a caseworker may reopen it.

Which fields each step of the form shows and which submission needs is declared once, in
``steps.py``; whether an application meets the circular's rules is decided in ``rules.py``; state
changes happen in ``services.py`` only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import Organisation
from imdi_grants.lib.deadlines import last_moment
from imdi_grants.lib.scanning import ScannedFile
from imdi_grants.lib.uploads import stored_file_name
from schemes.models import FocusArea, SchemeYear

MONEY = {"max_digits": 12, "decimal_places": 0, "validators": [MinValueValidator(Decimal("0"))]}


class Status(models.TextChoices):
    """Where the application is, from draft to decision. After submission IMDi makes the formal
    check (formell kontroll): it is dismissed (avvist) or goes to assessment, which ends in an
    award (tilsagn) or a refusal (avslag)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_ASSESSMENT = "in_assessment", _("In assessment")
    DISMISSED = "dismissed", _("Dismissed")
    AWARDED = "awarded", _("Awarded")
    REFUSED = "refused", _("Refused")


DECIDED = (Status.DISMISSED, Status.AWARDED, Status.REFUSED)


class EntrepreneurForm(models.TextChoices):
    """The forms of organisation the circular names for a social entrepreneur."""

    LIMITED_COMPANY = "as", _("Limited company (AS)")
    FOUNDATION = "foundation", _("Foundation")
    VOLUNTARY = "voluntary", _("Voluntary organisation")
    OTHER = "other", _("Other")


class ExemptionStatus(models.TextChoices):
    """Integration Act § 38: trying measures outside the Acts needs the ministry's exemption."""

    NOT_NEEDED = "not_needed", _("Not needed: the project stays within the Acts")
    APPLIED = "applied", _("Applied for from the ministry")
    GRANTED = "granted", _("Granted by the ministry")


class Application(models.Model):
    """A development-grant application from the organisation with project responsibility."""

    scheme_year = models.ForeignKey(
        SchemeYear, on_delete=models.PROTECT, related_name="applications", verbose_name=_("round")
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("focus area"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="development_applications",
        verbose_name=_("applicant (project responsibility)"),
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_applications",
        verbose_name=_("partner municipalities and county municipalities"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    case_number = models.CharField(
        _("case number"), max_length=20, unique=True, null=True, blank=True
    )

    # --- The project -----------------------------------------------------------------------
    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    activities = models.TextField(_("planned activities"), blank=True)
    purpose_fit = models.TextField(_("how the project meets the purpose"), blank=True)
    implementation_capacity = models.TextField(_("implementation capacity"), blank=True)
    transfer_value = models.TextField(_("national transfer value"), blank=True)
    products_free = models.TextField(_("how products will be free for others"), blank=True)

    # --- Participants and period -----------------------------------------------------------
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    prioritised_groups = models.TextField(_("prioritised groups reached"), blank=True)
    project_start = models.DateField(_("project start"), null=True, blank=True)
    project_years = models.PositiveSmallIntegerField(
        _("project period (years)"), null=True, blank=True
    )

    # --- Cooperation -----------------------------------------------------------------------
    voluntary_organisations = models.TextField(_("voluntary organisations"), blank=True)
    voluntary_funded_by_imdi = models.BooleanField(
        _("a voluntary organisation is funded by IMDi's voluntary-organisation grant"),
        default=False,
    )
    university_supervisor = models.TextField(
        _("university or university college supervisor"), blank=True
    )
    other_actors = models.TextField(_("other actors"), blank=True)

    # --- Innovation areas: social entrepreneur and participant allowance (deltakerstønad) ---
    has_social_entrepreneur = models.BooleanField(_("with a social entrepreneur"), default=False)
    entrepreneur_name = models.CharField(_("social entrepreneur"), max_length=200, blank=True)
    entrepreneur_organisation_number = models.CharField(
        _("social entrepreneur's organisation number"), max_length=9, blank=True
    )
    entrepreneur_form = models.CharField(
        _("form of organisation"), max_length=20, choices=EntrepreneurForm.choices, blank=True
    )
    entrepreneur_no_dividends = models.BooleanField(
        _("the statutes forbid dividends"), null=True, blank=True
    )
    entrepreneur_business_model = models.TextField(_("business model"), blank=True)
    allowance_participants = models.PositiveIntegerField(
        _("participants with a participant allowance"), null=True, blank=True
    )
    allowance_months = models.PositiveSmallIntegerField(
        _("months of allowance per participant per year"), null=True, blank=True
    )
    allowance_monthly_amount = models.DecimalField(
        _("allowance per participant per month (NOK)"), null=True, blank=True, **MONEY
    )
    # --- Innovation areas: working methods in Norwegian training ---------------------------
    has_norwegian_training = models.BooleanField(
        _("tries working methods in Norwegian training"), default=False
    )
    curriculum_tie = models.TextField(_("tie to the curricula"), blank=True)
    right_to_training = models.TextField(
        _("how participants' right to Norwegian training is kept"), blank=True
    )
    # --- Psychological support areas -------------------------------------------------------
    supportive_not_treatment = models.BooleanField(
        _("the measure is supportive or preventive, not treatment"), default=False
    )
    local_characteristics = models.TextField(_("what characterises the local measure"), blank=True)
    interdisciplinary_cooperation = models.TextField(
        _("interdisciplinary cooperation between health and qualification actors"), blank=True
    )
    # --- Welcome-service areas -------------------------------------------------------------
    regional_dialogue = models.TextField(
        _("dialogue with municipalities and regional state actors"), blank=True
    )
    # --- Diversity areas -------------------------------------------------------------------
    plan_anchoring = models.TextField(_("anchoring in municipal plans"), blank=True)
    employee_involvement = models.TextField(_("involvement of employees"), blank=True)

    # --- Declarations ----------------------------------------------------------------------
    declares_no_ordinary_operation = models.BooleanField(
        _("the funds will not finance ordinary operation"), default=False
    )
    # The curricula declaration applies only to a project with Norwegian training.
    includes_norwegian_training = models.BooleanField(
        _(
            "the project gives training in Norwegian or social studies to participants with the "
            "right to it"
        ),
        default=False,
    )
    declares_curricula = models.BooleanField(
        _("Norwegian training follows the curricula with a qualified teacher"), default=False
    )
    declares_products_free = models.BooleanField(
        _("products will be free for others after the project"), default=False
    )
    exemption_status = models.CharField(
        _("exemption under the Integration Act § 38"),
        max_length=20,
        choices=ExemptionStatus.choices,
        blank=True,
    )

    # --- What was typed but did not validate, per step: nothing typed is ever lost ---------
    draft_input = models.JSONField(_("unsaved input"), default=dict, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    handed_over_at = models.DateTimeField(_("handed over for approval"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resubmission_deadline = models.DateField(
        _("deadline for submitting again"),
        null=True,
        blank=True,
        help_text=_(
            "Set when IMDi reopens a submitted application; it replaces the round's deadline for "
            "this application."
        ),
    )
    decision_released_at = models.DateTimeField(
        _("decision sent to the applicant"),
        null=True,
        blank=True,
        help_text=_(
            "Until IMDi sends the decision letter, the applicant sees the application as in "
            "assessment."
        ),
    )
    submission_count = models.PositiveSmallIntegerField(
        _("times submitted"),
        default=0,
        help_text=_("Each submission gets its own receipt."),
    )
    receipt_version = models.PositiveSmallIntegerField(
        _("receipt sent for submission"),
        default=0,
        help_text=_("The submission whose receipt has been e-mailed; a later one is owed one."),
    )

    class Meta:
        verbose_name = _("development-grant application")
        verbose_name_plural = _("development-grant applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(case_number__isnull=False),
                name="submitted_application_has_case_number",
            )
        ]
        indexes = [
            # The queue's default order within a round, and "has this round any cases?".
            models.Index(
                fields=["scheme_year", "-submitted_at", "-id"],
                condition=Q(case_number__isnull=False),
                name="application_round_queue",
            ),
            # A grant's focus area and round without reading the wide application rows (the
            # dashboard's sums by area join every grant of a year to its application).
            models.Index(
                fields=["id"], include=["focus_area", "scheme_year"], name="application_area"
            ),
            # The receipts owed (pending work, the sweeper): a few among every submission.
            models.Index(
                fields=["submitted_at"],
                condition=Q(submission_count__gt=F("receipt_version")),
                name="application_receipt_owed",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number or self.title or str(_("Untitled application"))

    @property
    def submission_deadline(self) -> dt.date | None:
        """The round's deadline, or the one IMDi set when it reopened the application."""
        return self.resubmission_deadline or self.scheme_year.application_deadline

    @property
    def submission_deadline_at(self) -> dt.datetime | None:
        """23:59:59 Oslo time on the deadline day, for display."""
        return last_moment(self.submission_deadline) if self.submission_deadline else None

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def applicant_status(self) -> str:
        """The status as the applicant may know it: a decision counts once its letter is sent."""
        if self.status in DECIDED and self.decision_released_at is None:
            return Status.IN_ASSESSMENT
        return self.status

    @property
    def applicant_status_display(self) -> str:
        return str(Status(self.applicant_status).label)

    @property
    def is_decision_released(self) -> bool:
        return self.status in DECIDED and self.decision_released_at is not None

    @property
    def tone(self) -> str:
        """The colour of the applicant's status tag: how the case stands at a glance."""
        return {
            Status.DRAFT: "neutral",
            Status.AWARDED: "success",
            Status.DISMISSED: "danger",
            Status.REFUSED: "danger",
        }.get(self.applicant_status, "info")

    @property
    def project_end(self) -> dt.date | None:
        """The last day of the project period."""
        if not self.project_start or not self.project_years:
            return None
        start = self.project_start
        try:
            after = start.replace(year=start.year + self.project_years)
        except ValueError:  # 29 February
            after = start.replace(year=start.year + self.project_years, day=28)
        return after - dt.timedelta(days=1)

    @property
    def has_allowance(self) -> bool:
        """Some part of a participant allowance (deltakerstønad) is filled in."""
        return bool(
            self.allowance_participants or self.allowance_months or self.allowance_monthly_amount
        )

    @property
    def allowance_per_participant_per_year(self) -> Decimal | None:
        """Deltakerstønad per participant per year: months × amount per month."""
        if self.allowance_months is None or self.allowance_monthly_amount is None:
            return None
        return self.allowance_months * self.allowance_monthly_amount

    @property
    def allowance_per_year(self) -> Decimal | None:
        """Participants × months × amount per month."""
        per_participant = self.allowance_per_participant_per_year
        if per_participant is None or self.allowance_participants is None:
            return None
        return self.allowance_participants * per_participant


class ImpartialityDeclaration(models.Model):
    """A member of IMDi's staff declares, before seeing an application's content, whether they
    have a conflict of interest (habilitet, fvl § 6) with the applicant or its partners. A
    declared conflict keeps them out of the case everywhere and cannot be taken back by them."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="impartiality_declarations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="impartiality_declarations"
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    explanation = models.TextField(_("explanation"), blank=True)
    declared_at = models.DateTimeField(_("declared"), auto_now=True)

    class Meta:
        verbose_name = _("impartiality declaration")
        verbose_name_plural = _("impartiality declarations")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "user"], name="one_declaration_per_person_and_case"
            )
        ]
        indexes = [
            # A person's conflicts, left out of every list they see: a handful among the
            # thousands of declarations a caseworker makes.
            models.Index(
                fields=["user", "application"],
                condition=Q(has_conflict=True),
                name="declaration_conflicts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.user}"


class FundingYear(models.Model):
    """The funding of one project year: amount applied for, own contribution (egenandel), other
    funding."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="funding_years"
    )
    year_number = models.PositiveSmallIntegerField(_("project year"))
    amount_applied = models.DecimalField(_("amount applied for (NOK)"), default=0, **MONEY)
    own_contribution = models.DecimalField(_("own contribution (NOK)"), default=0, **MONEY)
    other_funding = models.DecimalField(_("other funding (NOK)"), default=0, **MONEY)

    class Meta:
        verbose_name = _("funding per project year")
        verbose_name_plural = _("funding per project year")
        ordering = ["year_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "year_number"], name="one_funding_row_per_project_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.year_number}"

    @property
    def total(self) -> Decimal:
        return self.amount_applied + self.own_contribution + self.other_funding


class BudgetLine(models.Model):
    """A cost line in the budget of one project year."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    year_number = models.PositiveSmallIntegerField(_("project year"))
    description = models.CharField(_("cost"), max_length=200)
    amount = models.DecimalField(_("amount (NOK)"), **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year_number", "pk"]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount})"


class EarlierProject(models.Model):
    """An earlier project of good quality in the field, which the circular asks applicants to
    refer to."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="earlier_projects"
    )
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.TextField(_("result"))

    class Meta:
        verbose_name = _("earlier project")
        verbose_name_plural = _("earlier projects")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"applications/{instance.application_id}/attachments/{stored_file_name(filename)}"


class Attachment(ScannedFile):
    """An uploaded document (PDF, DOCX or XLSX), checked by its content, not its name, and
    scanned; ``original_name`` is the user's name for it, kept only to show."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


def _receipt_path(instance: Receipt, filename: str) -> str:
    return f"applications/{instance.application_id}/receipts/{filename}"


class Receipt(models.Model):
    """The receipt PDF of one submission (kvittering), rendered by a task; one per submission."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="receipts")
    version = models.PositiveSmallIntegerField(_("submission"))
    file = models.FileField(_("file"), upload_to=_receipt_path, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    language = models.CharField(_("language"), max_length=5)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "version"], name="one_receipt_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} #{self.version}"
