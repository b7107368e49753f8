"""Retention of drafts never submitted (``imdi_grants.lib.retention``)."""

from __future__ import annotations

from imdi_grants.lib.retention import Cutoffs, RetentionRule, retention_register

from .services import drafts_expired_delete


def _drafts(*, cutoffs: Cutoffs) -> int:
    return drafts_expired_delete(deadline_before=cutoffs.drafts_before)


def register() -> None:
    retention_register(RetentionRule(key="development-drafts", apply=_drafts))
