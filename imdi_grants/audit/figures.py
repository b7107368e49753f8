"""Figures kept between requests until something changes.

Every state change that moves a sum (a submission, a decision, a payment, a report) goes
through a service that writes an audit entry, so sums counted while the newest entry stands are
still right: a dashboard or a frame page reads a year's rows once, not on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from .models import AuditEntry

T = TypeVar("T")

#: Kept at most this long; a change (a new audit entry) makes the next page count again sooner,
#: and a change whose transaction commits after a later one's is seen within this time.
FIGURES_SECONDS = 60


def change_mark() -> str:
    """The newest audit entry, its id and time: one index lookup."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", "created_at").first()
    return "none" if last is None else f"{last[0]}.{last[1].timestamp()}"


def remembered(name: str, *, mark: str, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s result, kept in the cache under ``name``, ``key`` and ``mark`` for at
    most ``FIGURES_SECONDS``."""
    database = connection.settings_dict["NAME"]
    cache_key = ":".join(str(part) for part in ("figures", name, database, mark, *key))
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, FIGURES_SECONDS)
    return found
