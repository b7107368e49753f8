"""Enqueue Celery tasks only once the surrounding transaction has committed."""

from functools import partial

from celery import Task
from django.db import transaction


def enqueue(task: Task, *args: int | str) -> None:
    """Send ``task`` with primary keys as arguments after commit, so a worker never sees a row
    that a rolled-back transaction took back, nor one that is not yet visible."""
    transaction.on_commit(partial(task.delay, *args), robust=False)
