"""The development application's pending work on the staff's "pending work" page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.pending import PendingKind, pending_register
from imdi_grants.lib.tasks import sweep

from .selectors import receipts_stuck


def register() -> None:
    from .tasks import receipt_render

    pending_register(
        PendingKind(
            key="receipts",
            label=_("Receipts for submitted applications not made or e-mailed"),
            stuck=lambda before: receipts_stuck(before=before),
            describe=lambda row: f"{row.case_number} {row.organisation.name}, {row.title}",
            link=lambda row: reverse("development:detail", args=[row.pk]),
            retry=lambda pk: sweep(receipt_render, [pk]),
        )
    )
