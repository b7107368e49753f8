from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from imdi_grants.lib.deadlines import end_of_day

from .models import AuditEntry


def audit_entries_for(*, subject: models.Model) -> QuerySet[AuditEntry]:
    """The timeline of one object, oldest first, with the actor loaded in the same query."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")


def audit_search(
    *,
    actor: str = "",
    action: str = "",
    case_number: str = "",
    organisation: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit trail across cases, newest first, filtered; who and which organisation are
    loaded in the same query, so a page costs the same whatever it shows."""
    qs = AuditEntry.objects.select_related("actor", "organisation")
    if actor:
        qs = qs.filter(Q(actor__email__icontains=actor) | Q(actor__full_name__icontains=actor))
    if action:
        qs = qs.filter(action=action)
    if case_number:
        qs = qs.filter(case_number__startswith=case_number)
    if organisation:
        qs = qs.filter(organisation__name__icontains=organisation)
    if since:  # days in Oslo time
        qs = qs.filter(created_at__gte=end_of_day(since - dt.timedelta(days=1)))
    if until:
        qs = qs.filter(created_at__lt=end_of_day(until))
    return qs.order_by("-created_at", "-pk")
