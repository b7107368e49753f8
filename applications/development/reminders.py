"""Reminders of the application deadline for drafts that were started: 14 and 3 days before, to
the members of the organisation with project responsibility. Idempotent by the outbox's unique
key (see grants/reminders.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from imdi_grants.lib.deadlines import reminder_due, today_in_oslo
from imdi_grants.outbox.services import organisation_notify

from .models import Application, Status


def draft_reminders_send(*, today: dt.date | None = None) -> int:
    """Queue the reminders due today (Oslo) for drafts whose deadline (the round's, or the one a
    reopening gave) is 14 or 3 days away. A missed application deadline gets no reminder: the
    round is closed."""
    today = today or today_in_oslo()
    dates = [today + dt.timedelta(days=days) for days in (14, 3)]
    drafts = (
        Application.objects.filter(status=Status.DRAFT)
        .filter(
            Q(resubmission_deadline__in=dates)
            | Q(resubmission_deadline__isnull=True, scheme_year__application_deadline__in=dates)
        )
        .select_related("organisation", "scheme_year")
    )
    queued = 0
    for application in drafts:
        days = reminder_due(application.submission_deadline, today=today)
        if days is None or days < 0:
            continue
        link = settings.PORTAL_BASE_URL + reverse("development:detail", args=[application.pk])
        queued += organisation_notify(
            organisation=application.organisation,
            key=(
                f"reminder:draft:{application.pk}:{application.submission_deadline.isoformat()}"
                f":{days}"
            ),
            template="development/email/draft_reminder",
            context={"application": application, "days": days, "link": link},
        )
    return queued
