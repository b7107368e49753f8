"""IMDi's assessment of a submitted development-grant application.

The application's own status (``development.Status``) says where the case is; what the
assessment produces lives here: the formal check (formell kontroll), the assessors and their
independent scores, the agreed score (omforent poengsum), the proposed amount, internal comments,
the decision (vedtak) and its letter. The queue and the ranking sort on stored figures
(``Assessment.ranking_score``), never on rows loaded one by one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.development.models import Application
from imdi_grants.lib.letters import SignedLetter

MONEY = {"max_digits": 12, "decimal_places": 0, "validators": [MinValueValidator(Decimal("0"))]}
SCORE = [MinValueValidator(1), MaxValueValidator(6)]

#: The three criteria of Rundskriv 08-2025, "Kriteriene IMDi vurderer søknadene etter".
CRITERIA = ("purpose", "capacity", "transfer")

#: The circular's priorities an assessor marks (IMDi "prioriterer").
PRIORITIES = (
    "prio_large_or_multi_year",
    "prio_university",
    "prio_voluntary",
    "prio_inter_municipal",
)


def _score_field(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, null=True, blank=True, validators=SCORE)


class Assessment(models.Model):
    """The caseworkers' record of one application, from formal check to proposed amount."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="assessment"
    )
    # --- The formal check: the circular's conditions, each confirmed or not --------------
    check_organisation_type = models.BooleanField(
        _("the organisation may apply under the focus area"), null=True
    )
    check_deadline_met = models.BooleanField(_("submitted before the deadline"), null=True)
    check_participants = models.BooleanField(_("at least ten participants"), null=True)
    check_own_contribution = models.BooleanField(_("an own contribution"), null=True)
    check_approved_by_authority = models.BooleanField(
        _("approved by a director or an employee with authority"), null=True
    )
    check_notes = models.TextField(_("notes from the formal check"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("formal check made"), null=True, blank=True)

    # --- Stored from the submitted scores, for sorting and flagging ----------------------
    scores_submitted = models.PositiveSmallIntegerField(_("scores submitted"), default=0)
    score_mean = models.DecimalField(
        _("mean score"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    score_spread = models.PositiveSmallIntegerField(_("spread of scores"), null=True, blank=True)
    is_flagged = models.BooleanField(_("large spread between assessors"), default=False)

    # --- The agreed score, set by the lead caseworker -----------------------------------
    agreed_purpose = _score_field(_("agreed: purpose"))
    agreed_capacity = _score_field(_("agreed: implementation capacity"))
    agreed_transfer = _score_field(_("agreed: national transfer value"))
    agreed_total = models.PositiveSmallIntegerField(_("agreed score"), null=True, blank=True)
    agreed_comment = models.TextField(_("comment on the agreed score"), blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    ranking_score = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The agreed score, or until then the mean of the submitted scores."),
    )

    # --- Allocation ----------------------------------------------------------------------
    proposed_amount = models.DecimalField(
        _("proposed amount (NOK)"), null=True, blank=True, **MONEY
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["ranking_score"]), models.Index(fields=["is_flagged"])]

    def __str__(self) -> str:
        return str(self.application)

    @property
    def formal_check_items(self) -> list[tuple[str, bool | None]]:
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in FORMAL_CHECKS
        ]

    @property
    def formal_check_done(self) -> bool:
        return self.checked_at is not None


#: The conditions of the formal check, in the order the page shows them.
FORMAL_CHECKS = (
    "check_organisation_type",
    "check_deadline_met",
    "check_participants",
    "check_own_contribution",
    "check_approved_by_authority",
)


class Assignment(models.Model):
    """An assessor (saksbehandler) given an application to score."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"], name="one_assignment_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.assessor}"


class Score(models.Model):
    """One assessor's independent score of the three criteria, 1–6 each, with a justification
    each, and the priorities they found. A draft until submitted; others see it only after."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scores"
    )
    purpose = _score_field(_("purpose"))
    purpose_note = models.TextField(_("justification: purpose"), blank=True)
    capacity = _score_field(_("implementation capacity"))
    capacity_note = models.TextField(_("justification: implementation capacity"), blank=True)
    transfer = _score_field(_("national transfer value"))
    transfer_note = models.TextField(_("justification: national transfer value"), blank=True)
    prio_large_or_multi_year = models.BooleanField(
        _("a larger or multi-year project"), default=False
    )
    prio_university = models.BooleanField(
        _("guidance from a university or university college"), default=False
    )
    prio_voluntary = models.BooleanField(
        _("cooperation with voluntary organisations funded by IMDi"), default=False
    )
    prio_inter_municipal = models.BooleanField(_("inter-municipal cooperation"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["application", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor"], name="one_score_each"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | Q(purpose__isnull=False, capacity__isnull=False, transfer__isnull=False),
                name="submitted_score_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.assessor}"

    @property
    def total(self) -> int | None:
        values = [getattr(self, name) for name in CRITERIA]
        return None if None in values else sum(values)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Comment(models.Model):
    """An internal note on a case, for IMDi's staff only; never edited, so the list is its
    history."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="staff_comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal comment")
        verbose_name_plural = _("internal comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.created_at:%d.%m.%Y}"


class AreaAllocation(models.Model):
    """A focus area's allocation made final: its decisions may then be sent as one batch."""

    focus_area = models.OneToOneField(
        "schemes.FocusArea", on_delete=models.CASCADE, related_name="allocation"
    )
    finalised_at = models.DateTimeField(_("made final"))
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("final allocation of a focus area")
        verbose_name_plural = _("final allocations of focus areas")

    def __str__(self) -> str:
        return str(self.focus_area)


class BudgetTransfer(models.Model):
    """Unused funds moved from one focus area to another (omprioritering), with the reason."""

    scheme_year = models.ForeignKey(
        "schemes.SchemeYear", on_delete=models.PROTECT, related_name="budget_transfers"
    )
    from_area = models.ForeignKey(
        "schemes.FocusArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_area = models.ForeignKey(
        "schemes.FocusArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    amount = models.DecimalField(_("amount (NOK)"), **MONEY)
    reason = models.TextField(_("reason"))
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget transfer")
        verbose_name_plural = _("budget transfers")
        ordering = ["-moved_at"]

    def __str__(self) -> str:
        return f"{self.from_area} → {self.to_area}: {self.amount}"


class DecisionKind(models.TextChoices):
    AWARD = "award", _("Award")
    REFUSAL = "refusal", _("Refusal")
    DISMISSAL = "dismissal", _("Dismissal")


class Decision(models.Model):
    """IMDi's decision (vedtak) on an application: award (tilsagn), refusal (avslag) or
    dismissal (avvisning, an individual decision under fvl § 2 b that may be appealed). An award
    creates the ``grants.Grant``, whose grant letter is the award letter; a refusal or a
    dismissal gets a ``DecisionLetter``."""

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        help_text=_("Empty once the decision is reversed: see the case it was made in."),
    )
    reversed_from = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_decisions",
        verbose_name=_("reversed decision in"),
    )
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    kind = models.CharField(_("decision"), max_length=10, choices=DecisionKind.choices)
    amount = models.DecimalField(
        _("amount for the first year (NOK)"), null=True, blank=True, **MONEY
    )
    grounds = models.TextField(_("grounds"), blank=True)
    rules_applied = models.TextField(_("rules applied"), blank=True)
    special_conditions = models.TextField(_("special conditions"), blank=True)
    grant = models.OneToOneField(
        "grants.Grant", on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="award") | Q(amount__isnull=False, grant__isnull=False),
                name="award_has_amount_and_grant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_kind_display()}"

    @property
    def is_award(self) -> bool:
        return self.kind == DecisionKind.AWARD

    @property
    def case(self) -> Application:
        """The application decided, also after the decision was reversed."""
        return self.application or self.reversed_from


def _letter_path(instance: DecisionLetter, filename: str) -> str:
    return f"decisions/{instance.decision.case.pk}/{filename}"


class DecisionLetter(SignedLetter):
    """The letter of a refusal or a dismissal, in the recipient's written standard: rendered
    once by a task, then immutable and checksummed. One per decision, so sending twice sends
    it once."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="letter")
    opened_on = models.DateField(
        _("first opened by the recipient"),
        null=True,
        blank=True,
        help_text=_("The day the letter reached the recipient, for the appeal deadline."),
    )
    file = models.FileField(_("PDF"), upload_to=_letter_path, max_length=300, blank=True)

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        # The letters sent lately: whose appeal period may still run.
        indexes = [models.Index(fields=["sent_on"], name="decisionletter_sent")]

    def __str__(self) -> str:
        return f"{self.decision}"
