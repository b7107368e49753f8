"""Weekly reminders to assessors with assigned applications they have not scored: one e-mail a
person a week (the first beat run of the week in Oslo, so Monday just after midnight), listing
what is left. Idempotent by the outbox's unique key (person and ISO week), so the beat job
running every hour, two beat processes or a retried task queue it once."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from imdi_grants.lib.deadlines import today_in_oslo
from imdi_grants.outbox.services import message_queue

from .selectors import unscored_assignments


def assessor_reminders_send(*, today: dt.date | None = None) -> int:
    """Queue this week's reminders not yet queued; returns how many were queued now."""
    today = today or today_in_oslo()
    year, week, _day = today.isocalendar()
    link = settings.PORTAL_BASE_URL + reverse("assessment:queue") + "?mine=on&status=in_assessment"
    queued = 0
    assignments = unscored_assignments()
    for assessor, rows in groupby(assignments, key=lambda a: a.assessor):
        applications = [row.application for row in rows]
        with transaction.atomic():
            queued += (
                message_queue(
                    key=f"reminder:assessor:{assessor.pk}:{year}-W{week:02d}",
                    recipient=assessor,
                    template="assessment/email/assessor_reminder",
                    context={"applications": applications, "link": link},
                    language="nb",
                )
                is not None
            )
    return queued
