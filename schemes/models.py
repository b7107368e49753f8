"""The grant schemes and their configuration per year.

Everything that a circular sets anew each year (rates, deadlines, budget frames, focus areas, the
basic amount G) is a row here that an administrator edits, never a constant in code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.deadlines import last_moment


def in_written_standard(bokmal: str, nynorsk: str) -> str:
    """A configured text in the active language: Nynorsk when that is active and given, else
    Bokmål (every configured text has both; see ``require_nynorsk``)."""
    return nynorsk if nynorsk and translation.get_language() == "nn" else bokmal


def require_nynorsk(obj: models.Model, *pairs: tuple[str, str]) -> None:
    """Every configured text exists in Bokmål and Nynorsk: refuse one given only in Bokmål."""
    errors = {
        nn: _("Give the text in Nynorsk too: letters to Nynorsk municipalities use it.")
        for nb, nn in pairs
        if getattr(obj, nb) and not getattr(obj, nn)
    }
    if errors:
        raise ValidationError(errors)


def shift_years(day: dt.date | None, years: int) -> dt.date | None:
    """The same day ``years`` later; 29 February becomes 28 February in a year without it."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that has none
        return day.replace(year=day.year + years, day=28)


def is_calendar_date(field: models.Field) -> bool:
    """A date (moves with the year when a year is copied), not a moment in time."""
    return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


def year_row_fields(model: type[models.Model]) -> list[models.Field]:
    """What is configured on a row of a year (a focus area, a report deadline, a payment term):
    every field but its key and the year it belongs to."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != "scheme_year"
    ]


class SchemeCode(models.TextChoices):
    RECEPTION = "reception", _("Integration reception grant")
    DEVELOPMENT = "development", _("Development grant")


class Scheme(models.Model):
    """A grant scheme (tilskuddsordning)."""

    code = models.CharField(_("code"), max_length=20, choices=SchemeCode.choices, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_nn = models.CharField(_("name (Nynorsk)"), max_length=200, blank=True)
    budget_chapter = models.CharField(_("budget chapter"), max_length=4, blank=True)
    budget_post = models.CharField(_("budget post"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("grant scheme")
        verbose_name_plural = _("grant schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return in_written_standard(self.name, self.name_nn)

    def clean(self) -> None:
        require_nynorsk(self, ("name", "name_nn"))


class SchemeYear(models.Model):
    """One year's configuration of a scheme, from that year's circular (rundskriv)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    circular = models.CharField(_("circular"), max_length=100, blank=True)
    is_demo = models.BooleanField(
        _("demo values"),
        default=False,
        help_text=_("Carried forward from an earlier year for trying the portal; not official."),
    )
    rate_per_place_per_month = models.DecimalField(
        _("rate per place per month (NOK)"),
        max_digits=10,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    application_opens_on = models.DateField(_("application round opens"), null=True, blank=True)
    application_deadline = models.DateField(
        _("application deadline"),
        null=True,
        blank=True,
        help_text=_("Applications are accepted until the end of this day, Norwegian time."),
    )
    acceptance_window_days = models.PositiveSmallIntegerField(
        _("acceptance window (days)"), default=14
    )
    grant_letter_target_date = models.DateField(_("grant letters sent by"), null=True, blank=True)
    budget_frame = models.DecimalField(
        _("budget frame (NOK)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    assessors_per_application = models.PositiveSmallIntegerField(
        _("assessors per application"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("How many caseworkers score each application independently."),
    )
    score_spread_limit = models.PositiveSmallIntegerField(
        _("score spread that is flagged"),
        default=4,
        help_text=_(
            "Assessors' total scores (3–18) that differ by this much or more are flagged for the "
            "lead caseworker."
        ),
    )
    budget_authority_name = models.CharField(
        _("signed by (budget authority)"),
        max_length=200,
        blank=True,
        help_text=_("The person with budget authority for the appropriation who signs letters."),
    )
    budget_authority_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    letters_issued_at = models.DateTimeField(
        _("first letter issued"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Once letters are issued on a year and the year is past, it cannot change."),
    )
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Empty while the year is a draft for review: its round is not open to applicants."
        ),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("yearly configuration")
        verbose_name_plural = _("yearly configurations")
        ordering = ["scheme__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year"], name="one_config_per_scheme_year")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.year}"

    @property
    def is_published(self) -> bool:
        """A draft (a copy under review) is open to no applicant until an administrator
        publishes it."""
        return self.published_at is not None

    @property
    def application_deadline_at(self) -> dt.datetime | None:
        """23:59:59 Oslo time on the deadline day, for display."""
        return last_moment(self.application_deadline) if self.application_deadline else None

    def clean(self) -> None:
        if (
            self.application_opens_on
            and self.application_deadline
            and self.application_opens_on > self.application_deadline
        ):
            raise ValidationError(
                {"application_opens_on": _("The round cannot open after its deadline.")}
            )


#: What an administrator configures on a year and a copy carries to the next year as it is ...
SCHEME_YEAR_COPIED_FIELDS = (
    "circular",
    "rate_per_place_per_month",
    "acceptance_window_days",
    "budget_frame",
    "assessors_per_application",
    "score_spread_limit",
    "budget_authority_name",
    "budget_authority_title",
)
#: ... and the dates, which a copy moves forward by the years between.
SCHEME_YEAR_DATE_FIELDS = (
    "application_opens_on",
    "application_deadline",
    "grant_letter_target_date",
)


class ReportKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Half-yearly grant report")
    STATUS = "status", _("Status report")
    ANNUAL = "annual", _("Annual report and project accounts")


class ReportDeadline(models.Model):
    """A reporting deadline of a scheme year (e.g. status report 1 September 2025)."""

    scheme_year = models.ForeignKey(
        SchemeYear, on_delete=models.CASCADE, related_name="report_deadlines"
    )
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    due_date = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_year", "kind", "due_date"], name="one_deadline_per_kind_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date:%d.%m.%Y}"


class TermKind(models.TextChoices):
    """How a year's grant is paid: once a year (reception grant), or in two terms (development
    grant: spring and autumn)."""

    YEARLY = "yearly", _("Yearly payment")
    SPRING = "spring", _("Spring term")
    AUTUMN = "autumn", _("Autumn term")


class PaymentTerm(models.Model):
    """A payment term of a scheme year (utbetalingstermin): when it is paid and what share of the
    year's amount it pays. The shares of a year add up to 100 %."""

    scheme_year = models.ForeignKey(
        SchemeYear, on_delete=models.CASCADE, related_name="payment_terms"
    )
    kind = models.CharField(_("term"), max_length=10, choices=TermKind.choices)
    pay_on = models.DateField(_("paid on"))
    share_percent = models.DecimalField(
        _("share of the year's amount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")
        ordering = ["scheme_year", "pay_on"]
        constraints = [
            models.UniqueConstraint(fields=["scheme_year", "kind"], name="one_term_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pay_on:%d.%m.%Y}"


class FocusAreaKind(models.TextChoices):
    """What a focus area is about, whatever number a year's circular gives it. The application
    form's own part for the area and its special conditions follow the kind, never the number."""

    INNOVATION = (
        "innovation",
        _("Innovative solutions: introduction programme, Norwegian training, social entrepreneurs"),
    )
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Psychological support")
    VOCATIONAL_COOPERATION = (
        "vocational_cooperation",
        _("National cooperation model for vocational training"),
    )
    WELCOME_SERVICES = "welcome_services", _("Welcome services")
    DIVERSITY = "diversity", _("Diversity, and against racism and discrimination")


class FocusArea(models.Model):
    """A focus area (satsingsområde) of a year's development scheme, and who may apply to it."""

    scheme_year = models.ForeignKey(
        SchemeYear, on_delete=models.CASCADE, related_name="focus_areas"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    name_nn = models.CharField(_("name (Nynorsk)"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=FocusAreaKind.choices,
        blank=True,
        help_text=_(
            "Decides the application form's own part for the area and its special conditions; "
            "the number is only shown. Empty: the area has no part of its own."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    description_nn = models.TextField(_("description (Nynorsk)"), blank=True)
    open_to_municipalities = models.BooleanField(_("municipalities may apply"), default=True)
    open_to_county_municipalities = models.BooleanField(
        _("county municipalities may apply"), default=False
    )
    is_open = models.BooleanField(
        _("open in this round"),
        default=True,
        help_text=_("Closed when the area is governed by another circular."),
    )
    closed_reason = models.CharField(_("why closed"), max_length=300, blank=True)
    closed_reason_nn = models.CharField(_("why closed (Nynorsk)"), max_length=300, blank=True)
    budget_amount = models.DecimalField(
        _("amount for the area (NOK)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["scheme_year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_year", "number"], name="one_focus_area_number_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.display_name}"

    @property
    def display_name(self) -> str:
        return in_written_standard(self.name, self.name_nn)

    @property
    def display_description(self) -> str:
        return in_written_standard(self.description, self.description_nn)

    @property
    def display_closed_reason(self) -> str:
        return in_written_standard(self.closed_reason, self.closed_reason_nn)

    def clean(self) -> None:
        require_nynorsk(
            self,
            ("name", "name_nn"),
            ("description", "description_nn"),
            ("closed_reason", "closed_reason_nn"),
        )


class BasicAmount(models.Model):
    """The National Insurance basic amount G (grunnbeløpet), set every 1 May."""

    valid_from = models.DateField(_("valid from"), unique=True)
    amount = models.DecimalField(
        _("amount (NOK)"), max_digits=10, decimal_places=0, validators=[MinValueValidator(1)]
    )
    is_demo = models.BooleanField(_("demo value"), default=False)

    class Meta:
        verbose_name = _("basic amount (G)")
        verbose_name_plural = _("basic amounts (G)")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"G {self.amount} ({self.valid_from:%d.%m.%Y})"
