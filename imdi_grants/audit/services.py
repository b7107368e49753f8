from __future__ import annotations

from typing import Any

from django.db import models

from imdi_grants.accounts.models import Organisation, User

from .actions import ACTIONS
from .models import AuditEntry

SECRET_KEYS = {"password", "secret", "token", "pid", "national_identity_number"}


def _mask(data: dict[str, Any]) -> dict[str, Any]:
    return {key: "***" if key.lower() in SECRET_KEYS else value for key, value in data.items()}


def audit_log(
    *,
    subject: models.Model,
    action: str,
    actor: User | None,
    organisation: Organisation | None = None,
    old_status: str = "",
    new_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry; call it inside the transaction that made the change."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to audit/actions.py")
    return AuditEntry.objects.create(
        subject=subject,
        action=action,
        actor=actor,
        organisation=organisation,
        case_number=str(getattr(subject, "case_number", "") or ""),
        old_status=str(old_status),
        new_status=str(new_status),
        reason=reason,
        data=_mask(data or {}),
    )
