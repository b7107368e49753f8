"""The assessment's pending work on the staff's "pending work" page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.pending import PendingKind, pending_register
from imdi_grants.lib.tasks import sweep

from .selectors import decision_letters_stuck


def register() -> None:
    from .tasks import decision_letter_deliver

    pending_register(
        PendingKind(
            key="decision-letters",
            label=_("Refusal and dismissal letters not rendered or sent"),
            stuck=lambda before: decision_letters_stuck(before=before),
            describe=lambda row: (
                f"{row.decision.case.case_number} {row.decision.case.organisation.name}, "
                f"{row.decision.get_kind_display().lower()}"
            ),
            link=lambda row: reverse("assessment:decision", args=[row.decision.case.pk]),
            retry=lambda pk: sweep(decision_letter_deliver, [pk]),
        )
    )
