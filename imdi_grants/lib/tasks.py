"""Enqueue Celery tasks only once the surrounding transaction has committed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from celery import Task
from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError as KombuOperationalError

log = logging.getLogger(__name__)

#: What a task retries on: a file system, database or broker that is away for a moment. Each
#: task is idempotent on database state, so running it again is harmless.
RETRY_ON = (OSError, DatabaseError, KombuOperationalError)

#: A broker that does not answer costs a request about a second, not a minute.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def _send(task: Task, args: tuple[int | str, ...]) -> None:
    try:
        task.apply_async(args=args, retry=True, retry_policy=RETRY_POLICY)
    except Exception:  # the broker is down: the work is a row a sweeper finds again
        log.exception(
            "Could not enqueue %s%r; the periodic sweeper will pick it up", task.name, args
        )


def enqueue(task: Task, *args: int | str) -> None:
    """Send ``task`` with primary keys as arguments after commit, so a worker never sees a row
    that a rolled-back transaction took back, nor one that is not yet visible. A broker outage
    never turns the committed action into an error page: the work it stands for is a row (a
    letter not yet sent, an e-mail still queued) that a periodic sweeper enqueues again."""
    transaction.on_commit(partial(_send, task, args))


#: A sweep re-sends at most this many rows a run; the next run takes the rest.
SWEEP_BATCH = 200


def sweep(task: Task, pks: Sequence[int]) -> int:
    """Send ``task`` again for each stuck row (the pending work the database holds: a letter
    not rendered, a receipt not e-mailed); returns how many were sent. Called by the beat jobs
    that look for such rows with ``values_list("pk", flat=True)``."""
    count = 0
    for pk in pks[:SWEEP_BATCH]:
        task.delay(pk)
        count += 1
    return count
