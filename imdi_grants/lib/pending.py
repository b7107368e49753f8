"""Follow-up work that has not happened yet, shown to staff with a way to try it again.

Each kind of pending work is a row in its own app's table (a letter not rendered or sent, a
receipt not made, an e-mail not delivered); the app registers the kind here in its
``AppConfig.ready`` with how to find its stuck rows and how to send them again. The sweepers find
the same rows every few minutes; this page is for the person who wants to know, and to act now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Value, Window
from django.utils import timezone

#: Work younger than this is in progress, not stuck.
STUCK_AFTER = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class PendingKind:
    key: str
    label: str  # a lazy translation
    stuck: Callable[[dt.datetime], models.QuerySet]  # rows older than the moment, not yet done
    describe: Callable[[models.Model], str]  # one line about a row (no further queries)
    link: Callable[[models.Model], str]
    retry: Callable[[int], object]  # send the row's work again


_KINDS: dict[str, PendingKind] = {}


def pending_register(kind: PendingKind) -> None:
    _KINDS[kind.key] = kind


def pending_kind(key: str) -> PendingKind:
    return _KINDS[key]


def stuck_before(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - STUCK_AFTER


@dataclass(frozen=True)
class PendingGroup:
    kind: PendingKind
    count: int
    rows: list[tuple[int, str, str]]  # (pk, description, link)


def pending_overview(*, limit: int = 50, now: dt.datetime | None = None) -> list[PendingGroup]:
    """Every registered kind with its stuck rows (the oldest ``limit``) and how many there are:
    one query finds the kinds that have any, then one query each of those reads its rows with
    their number. Nothing stuck, one query in all, however many kinds the apps register."""
    before = stuck_before(now)
    kinds = sorted(_KINDS.values(), key=lambda k: k.key)
    stuck = {kind.key: kind.stuck(before) for kind in kinds}
    probes = [
        rows.order_by()
        .annotate(pending_kind=Value(key, output_field=models.CharField()))
        .values_list("pending_kind", flat=True)
        for key, rows in stuck.items()
    ]
    found = set(probes[0].union(*probes[1:])) if probes else set()
    groups = []
    for kind in kinds:
        oldest = []
        if kind.key in found:
            oldest = list(
                stuck[kind.key].annotate(pending_total=Window(Count("pk"))).order_by("pk")[:limit]
            )
        groups.append(
            PendingGroup(
                kind=kind,
                count=oldest[0].pending_total if oldest else 0,
                rows=[(row.pk, kind.describe(row), kind.link(row)) for row in oldest],
            )
        )
    return groups


def pending_retry(*, key: str, pk: int | None = None, now: dt.datetime | None = None) -> int:
    """Send the stuck work of a kind again now, one row or all of them (at most 200 a time);
    returns how many. Only rows that are still stuck are sent, so a stale page sends nothing
    twice that has meanwhile been done."""
    kind = pending_kind(key)
    stuck = kind.stuck(stuck_before(now))
    if pk is not None:
        stuck = stuck.filter(pk=pk)
    pks = list(stuck.order_by("pk").values_list("pk", flat=True)[:200])
    for row_pk in pks:
        kind.retry(row_pk)
    return len(pks)
