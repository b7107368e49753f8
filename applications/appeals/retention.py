"""Retention of the documents sent with finished appeals (``imdi_grants.lib.retention``)."""

from __future__ import annotations

from imdi_grants.lib.retention import Cutoffs, RetentionRule, retention_register

from .services import attachments_remove_after_archive


def _attachments(*, cutoffs: Cutoffs) -> int:
    return attachments_remove_after_archive(closed_before=cutoffs.closed_before)


def register() -> None:
    retention_register(RetentionRule(key="appeal-attachments", apply=_attachments))
