"""E-mails not yet delivered on the staff's "pending work" page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.pending import PendingKind, pending_register

from .services import message_retry, messages_stuck


def register() -> None:
    pending_register(
        PendingKind(
            key="e-mails",
            label=_("E-mails not delivered"),
            stuck=lambda before: messages_stuck(before=before),
            describe=lambda row: (
                f"{row.to}: {row.subject} ({row.get_status_display().lower()}, "
                f"{row.attempts}×{': ' + row.last_error[:120] if row.last_error else ''})"
            ),
            link=lambda row: reverse("admin:outbox_outboxmessage_change", args=[row.pk]),
            retry=lambda pk: message_retry(message_id=pk),
        )
    )
