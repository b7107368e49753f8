"""The kinds of background export the apps offer, registered in their ``AppConfig.ready``.

A kind says who may export it, how many rows a filter gives, the header and the rows (an
iterator, so a large export streams instead of being held in memory)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str  # a lazy translation
    filename: str  # without extension
    may_export: Callable[[Any], bool]  # (user)
    count: Callable[[Any, dict], int]  # (user, params)
    header: Callable[[Any, dict], list[str]]  # (user, params)
    rows: Callable[[Any, dict], Iterable[list[Any]]]  # (user, params)


_KINDS: dict[str, ExportKind] = {}


def export_register(kind: ExportKind) -> None:
    _KINDS[kind.key] = kind


def export_kind(key: str) -> ExportKind:
    return _KINDS[key]


def register_housekeeping() -> None:
    """Exports stuck on the way show on the pending-work page; finished files are removed after
    ``EXPORT_KEEP_DAYS``."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from imdi_grants.lib.pending import PendingKind, pending_register
    from imdi_grants.lib.retention import RetentionRule, retention_register

    from . import services

    pending_register(
        PendingKind(
            key="exports",
            label=_("Exports not finished"),
            stuck=lambda before: services.exports_stuck(before=before),
            describe=lambda job: (
                f"{job.label} ({job.requested_by}), {job.rows_done}/{job.rows_total}"
            ),
            link=lambda job: reverse("exports:detail", args=[job.pk]),
            retry=lambda pk: services.export_retry(job_id=pk),
        )
    )
    retention_register(
        RetentionRule(key="export-files", apply=lambda *, cutoffs: services.exports_expire())
    )
