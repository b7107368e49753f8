from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_for(*, subject: models.Model) -> QuerySet[AuditEntry]:
    """The timeline of one object, oldest first, with the actor loaded in the same query."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")
