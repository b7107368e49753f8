"""The grants' pending work on the staff's "pending work" page (``imdi_grants.lib.pending``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.pending import PendingKind, pending_register
from imdi_grants.lib.tasks import sweep

from . import selectors


def _case(row) -> str:
    return f"{row.grant.case_number} {row.grant.organisation.name}"


def _grant_link(row) -> str:
    return reverse("grants:grant_detail", args=[row.grant_id])


def register() -> None:
    from .tasks import closing_letter_deliver, grant_letter_deliver, reaction_letter_deliver

    pending_register(
        PendingKind(
            key="grant-letters",
            label=_("Grant letters not rendered or sent"),
            stuck=lambda before: selectors.grant_letters_stuck(before=before),
            describe=lambda row: f"{_case(row)}, v{row.version}",
            link=_grant_link,
            retry=lambda pk: sweep(grant_letter_deliver, [pk]),
        )
    )
    pending_register(
        PendingKind(
            key="reaction-letters",
            label=_("Letters on withholding or reclaim not rendered or sent"),
            stuck=lambda before: selectors.reaction_letters_stuck(before=before),
            describe=lambda row: f"{_case(row)}, {row.get_kind_display().lower()}",
            link=lambda row: reverse("grants:grant_money", args=[row.grant_id]),
            retry=lambda pk: sweep(reaction_letter_deliver, [pk]),
        )
    )
    pending_register(
        PendingKind(
            key="closing-letters",
            label=_("Closing letters not rendered or sent"),
            stuck=lambda before: selectors.closing_letters_stuck(before=before),
            describe=_case,
            link=_grant_link,
            retry=lambda pk: sweep(closing_letter_deliver, [pk]),
        )
    )
