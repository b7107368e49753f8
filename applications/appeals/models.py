"""An appeal (klage) against an individual decision (enkeltvedtak, fvl § 2 b) of the development
grant: the dismissal of an application, or a reaction to a breach of its conditions. There is
no appeal against the award or refusal of a grant (fvl §§ 3 first paragraph and 28).

The deadline is three weeks from the day the decision reached the organisation (fvl §§ 29–30);
a late appeal is flagged, not refused (fvl § 31). IMDi either reverses its decision or prepares
the case and sends it to the Ministry of Labour and Social Inclusion (AID), the appeals body,
whose outcome is recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.letters import SignedLetter
from imdi_grants.lib.scanning import ScannedFile
from imdi_grants.lib.uploads import stored_file_name


class AppealStatus(models.TextChoices):
    LODGED = "lodged", _("Received by IMDi")
    REVERSED = "reversed", _("IMDi reversed its decision")
    FORWARDED = "forwarded", _("Sent to the Ministry (AID)")
    DECIDED = "decided", _("Decided by the Ministry (AID)")


class AidOutcome(models.TextChoices):
    UPHELD = "upheld", _("The decision is upheld")
    REVERSED = "reversed", _("The decision is reversed")
    CHANGED = "changed", _("The decision is partly changed")


class Appeal(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="appeals"
    )
    decision = models.ForeignKey(
        "assessment.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("dismissal appealed"),
    )
    reaction = models.ForeignKey(
        "grants.Reaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("reaction appealed"),
    )
    text = models.TextField(_("the appeal"))
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.LODGED
    )
    received_on = models.DateField(
        _("decision received"),
        help_text=_("Opened in the portal, or the assumed day of delivery."),
    )
    deadline = models.DateField(_("appeal deadline"))
    is_late = models.BooleanField(_("lodged after the deadline"), default=False)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lodged_at = models.DateTimeField(_("lodged"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_grounds = models.TextField(_("why IMDi reverses its decision"), blank=True)
    preparation = models.TextField(_("IMDi's preparation of the case for the Ministry"), blank=True)
    forwarded_on = models.DateField(_("sent to AID"), null=True, blank=True)
    aid_outcome = models.CharField(
        _("AID's outcome"), max_length=10, choices=AidOutcome.choices, blank=True
    )
    aid_decided_on = models.DateField(_("AID decided"), null=True, blank=True)
    aid_note = models.TextField(_("about AID's decision"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-lodged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__isnull=False, reaction__isnull=True)
                | Q(decision__isnull=True, reaction__isnull=False),
                name="an_appeal_is_against_one_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.lodged_at:%d.%m.%Y}"

    @property
    def subject_display(self) -> str:
        if self.decision_id:
            return str(_("Dismissal of application %(case)s") % {"case": self.decision.case})
        return str(
            _("%(kind)s in case %(case)s")
            % {"kind": self.reaction.get_kind_display(), "case": self.reaction.grant.case_number}
        )


def _attachment_path(instance: AppealAttachment, filename: str) -> str:
    return f"appeals/{instance.appeal_id}/{stored_file_name(filename)}"


class AppealAttachment(ScannedFile):
    """A document sent with an appeal, checked by its content and scanned; ``original_name`` is
    the user's name for it, kept only to show."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("appeal attachment")
        verbose_name_plural = _("appeal attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class AppealLetterKind(models.TextChoices):
    REVERSAL = "reversal", _("Reversal of the decision")
    FORWARDING = "forwarding", _("Forwarding to AID")


def _letter_path(instance: AppealLetter, filename: str) -> str:
    return f"appeals/{instance.appeal_id}/letters/{filename}"


class AppealLetter(SignedLetter):
    """IMDi's letter on an appeal: the new decision when IMDi reverses its own (fvl § 33 second
    paragraph), or the forwarding letter to AID with a copy to the organisation (fvl § 33 fourth
    paragraph). Rendered once by a task, then immutable and checksummed; one of each kind per
    appeal, so a retried step never writes a second letter."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("letter"), max_length=12, choices=AppealLetterKind.choices)
    file = models.FileField(_("PDF"), upload_to=_letter_path, max_length=300, blank=True)

    class Meta:
        verbose_name = _("appeal letter")
        verbose_name_plural = _("appeal letters")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "kind"], name="one_appeal_letter_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.appeal})"
