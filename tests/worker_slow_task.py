"""The portal's Celery app with one slow test-only task, for the test that kills a whole worker
(``celery -A tests.worker_slow_task worker``): the task notes in Redis that it started, sleeps,
and notes that it finished, so the test sees a run that was cut short and the one that
redelivery completed."""

from __future__ import annotations

import os
import time

import redis
from django.conf import settings

from imdi_grants.celery import app

# The test's own key prefix in Redis: its queue, and the list of messages handed out but not
# acknowledged that a worker scans for timed-out ones, are then no one else's.
if prefix := os.environ.get("TEST_BROKER_KEYPREFIX"):
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "global_keyprefix": prefix,
    }


@app.task(name="tests.worker_slow_task.slow_step", acks_late=True)
def slow_step(key: str, seconds: float) -> None:
    """``started:<pid>:<time>`` then, ``seconds`` later, ``finished:<pid>:<time>`` on the Redis
    list ``key``."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.rpush(key, f"started:{os.getpid()}:{time.time()}")
    time.sleep(seconds)
    client.rpush(key, f"finished:{os.getpid()}:{time.time()}")


__all__ = ["app", "slow_step"]
