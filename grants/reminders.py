"""Reminders of grant letters waiting for acceptance: 14 and 3 days before the deadline to the
recipient's users, and the day after a missed deadline to them and to the caseworker who decided.

Each reminder is an outbox row with a key naming the letter, the day and the person, so the beat
job running twice, two beat processes, or a retried task never send the same reminder twice (the
key is unique in the database; no check-then-send)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from imdi_grants.lib.deadlines import REMINDER_DAYS_BEFORE, reminder_due, today_in_oslo
from imdi_grants.outbox.services import organisation_notify

from .models import GrantLetter, LetterStatus


def acceptance_reminders_send(*, today: dt.date | None = None) -> int:
    """Queue the reminders due today (Oslo) for letters still waiting for acceptance; returns
    how many were queued now."""
    today = today or today_in_oslo()
    dates = [today + dt.timedelta(days=days) for days in REMINDER_DAYS_BEFORE]
    letters = GrantLetter.objects.filter(
        status__in=[LetterStatus.AWAITING, LetterStatus.LAPSED],
        acceptance_deadline__in=dates,
    ).select_related("grant__organisation", "grant__scheme_year__scheme", "grant__created_by")
    queued = 0
    for letter in letters:
        days = reminder_due(letter.acceptance_deadline, today=today)
        if days is None or (days >= 0 and letter.status != LetterStatus.AWAITING):
            continue
        grant = letter.grant
        link = settings.PORTAL_BASE_URL + reverse("grants:grant_detail", args=[grant.pk])
        queued += organisation_notify(
            organisation=grant.organisation,
            key=f"reminder:acceptance:{letter.pk}:{days}",
            template="grants/email/acceptance_reminder",
            context={"letter": letter, "grant": grant, "days": days, "link": link},
            also=[grant.created_by] if days < 0 else (),
        )
    return queued


def reclaim_reminders_send(*, today: dt.date | None = None) -> int:
    """Reminders of a reclaim still owed: 14 and 3 days before its due date to the recipient's
    users, and the day after to them and to the caseworker who proposed it."""
    from .models import Reaction, ReactionKind, ReactionStatus
    from .services import grant_ledger

    today = today or today_in_oslo()
    dates = [today + dt.timedelta(days=days) for days in REMINDER_DAYS_BEFORE]
    reclaims = Reaction.objects.filter(
        kind=ReactionKind.RECLAIM, status=ReactionStatus.APPROVED, due_on__in=dates
    ).select_related("grant__organisation", "grant__scheme_year__scheme", "proposed_by")
    queued = 0
    for reaction in reclaims:
        days = reminder_due(reaction.due_on, today=today)
        grant = reaction.grant
        if days is None or grant_ledger(grant=grant)["owed"] <= 0:
            continue
        link = settings.PORTAL_BASE_URL + reverse("grants:grant_money", args=[grant.pk])
        queued += organisation_notify(
            organisation=grant.organisation,
            key=f"reminder:reclaim:{reaction.pk}:{days}",
            template="grants/email/reclaim_reminder",
            context={"reaction": reaction, "grant": grant, "days": days, "link": link},
            also=[reaction.proposed_by] if days < 0 else (),
        )
    return queued
