"""The appeals' pending work on the staff's "pending work" page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.pending import PendingKind, pending_register
from imdi_grants.lib.tasks import sweep

from .selectors import appeal_letters_stuck


def register() -> None:
    from .tasks import appeal_letter_deliver

    pending_register(
        PendingKind(
            key="appeal-letters",
            label=_("Letters on appeals not rendered or sent"),
            stuck=lambda before: appeal_letters_stuck(before=before),
            describe=lambda row: (
                f"{row.appeal.organisation.name}, {row.get_kind_display().lower()}"
            ),
            link=lambda row: reverse("appeals:detail", args=[row.appeal_id]),
            retry=lambda pk: sweep(appeal_letter_deliver, [pk]),
        )
    )
