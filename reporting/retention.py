"""Retention of uploaded accounts forms of closed grants (``imdi_grants.lib.retention``)."""

from __future__ import annotations

from imdi_grants.lib.retention import Cutoffs, RetentionRule, retention_register

from .services import accounts_files_remove


def _accounts_files(*, cutoffs: Cutoffs) -> int:
    return accounts_files_remove(closed_before=cutoffs.closed_before)


def register() -> None:
    retention_register(RetentionRule(key="report-accounts-files", apply=_accounts_files))
