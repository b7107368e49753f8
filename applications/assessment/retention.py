"""Retention of a development case's uploaded attachments: once the case is closed and the
archive period has passed (``imdi_grants.lib.retention``). A case is closed when its grant is
closed (and so is every later year of the project), or when it was refused or dismissed and no
appeal is being handled."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from applications.development.models import Application
from applications.development.services import attachments_remove
from grants.models import GrantStatus, PlannedYear
from imdi_grants.lib.retention import Cutoffs, RetentionRule, retention_register

from .models import DecisionKind

#: Appeals still with IMDi or AID (the appeals app's statuses; named here, not imported, since
#: the appeals app builds on this one).
OPEN_APPEALS = ("lodged", "forwarded")


def closed_cases(*, closed_before: dt.date) -> QuerySet[Application]:
    later_year_open = PlannedYear.objects.filter(grant=OuterRef("decision__grant")).filter(
        Q(continued_as__isnull=True)
        | ~Q(continued_as__status=GrantStatus.CLOSED)
        | Q(continued_as__closing_letter__sent_on__gte=closed_before)
    )
    granted_and_closed = Q(
        decision__grant__status=GrantStatus.CLOSED,
        decision__grant__closing_letter__sent_on__lt=closed_before,
    )
    refused_or_dismissed = Q(
        decision__kind__in=[DecisionKind.REFUSAL, DecisionKind.DISMISSAL],
        decision__letter__sent_on__lt=closed_before,
    )
    return (
        Application.objects.filter(granted_and_closed | refused_or_dismissed)
        .filter(attachments__isnull=False)
        .exclude(Exists(later_year_open))
        .exclude(decision__appeals__status__in=OPEN_APPEALS)
        .select_related("organisation")
        .distinct()
    )


def _attachments(*, cutoffs: Cutoffs) -> int:
    removed = 0
    for application in closed_cases(closed_before=cutoffs.closed_before)[:500]:
        removed += attachments_remove(
            application=application,
            reason=_("The archive period has passed: the case was closed before %(day)s.")
            % {"day": cutoffs.closed_before.strftime("%d.%m.%Y")},
        )
    return removed


def register() -> None:
    retention_register(RetentionRule(key="development-attachments", apply=_attachments))
