"""Reminders of reports: 14 and 3 days before the due date to the organisation's users, and the
day after a missed due date to them and to the caseworker who decided the grant. Idempotent by
the outbox's unique key (see grants/reminders.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from imdi_grants.lib.deadlines import REMINDER_DAYS_BEFORE, reminder_due, today_in_oslo
from imdi_grants.outbox.services import organisation_notify

from .models import Report, ReportStatus


def report_reminders_send(*, today: dt.date | None = None) -> int:
    """Queue the reminders due today (Oslo) for reports not yet submitted."""
    today = today or today_in_oslo()
    dates = [today + dt.timedelta(days=days) for days in REMINDER_DAYS_BEFORE]
    reports = Report.objects.filter(
        status__in=[ReportStatus.DUE, ReportStatus.RETURNED], due_date__in=dates
    ).select_related("grant__organisation", "grant__created_by")
    queued = 0
    for report in reports:
        days = reminder_due(report.due_date, today=today)
        if days is None:
            continue
        grant = report.grant
        link = settings.PORTAL_BASE_URL + reverse("reporting:report_detail", args=[report.pk])
        queued += organisation_notify(
            organisation=grant.organisation,
            key=f"reminder:report:{report.pk}:{days}",
            template="reporting/email/report_reminder",
            context={"report": report, "grant": grant, "days": days, "link": link},
            also=[grant.created_by] if days < 0 else (),
        )
    return queued
