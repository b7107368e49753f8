"""Personal data kept no longer than needed (GDPR art. 5(1)(e)): each app registers what of its
own data has a retention period and how to restrict it; one daily beat job applies them all.

Restricting never touches decisions and letters (they are the case's record and go to the
archive); it removes drafts never submitted and the uploaded attachments of closed cases once
the archive period in the configuration has passed, each with an audit entry saying what went.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings

from imdi_grants.lib.deadlines import today_in_oslo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRule:
    key: str
    apply: Callable[..., int]  # apply(today=..., drafts_before=..., closed_before=...) -> count


_RULES: dict[str, RetentionRule] = {}


def retention_register(rule: RetentionRule) -> None:
    _RULES[rule.key] = rule


@dataclass(frozen=True)
class Cutoffs:
    """Drafts of rounds whose deadline was before ``drafts_before`` are removed; attachments of
    cases closed before ``closed_before``."""

    today: dt.date
    drafts_before: dt.date
    closed_before: dt.date


def retention_cutoffs(*, today: dt.date | None = None) -> Cutoffs:
    today = today or today_in_oslo()
    years = settings.RETENTION_ARCHIVE_YEARS
    try:
        closed_before = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        closed_before = today.replace(year=today.year - years, day=28)
    return Cutoffs(
        today=today,
        drafts_before=today - dt.timedelta(days=settings.RETENTION_DRAFT_DAYS),
        closed_before=closed_before,
    )


def retention_apply(*, today: dt.date | None = None) -> dict[str, int]:
    """Apply every registered rule; returns how much each restricted. Each rule is idempotent:
    what it removed is gone, so a second run removes nothing."""
    cutoffs = retention_cutoffs(today=today)
    done = {key: rule.apply(cutoffs=cutoffs) for key, rule in sorted(_RULES.items())}
    if any(done.values()):
        log.info("Retention applied: %s", done)
    return done


@shared_task(acks_late=True)
def retention_run() -> None:
    """Daily: restrict what has passed its retention period (see ``retention_apply``)."""
    retention_apply()
