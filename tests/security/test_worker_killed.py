"""Issue 12: killing the whole worker (main process and children, SIGKILL) loses no work, and the
work in flight comes back within minutes, not an hour. Real Redis and real ``celery worker``
processes on a queue of this test's own; each task has a hard time limit below the visibility
timeout (``settings.py`` explains the numbers)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.utils import timezone

from imdi_grants.outbox.models import MessageStatus, OutboxMessage
from imdi_grants.outbox.services import messages_sweep
from tests.test_settings import _clean_env, _refused

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"

SLOW_STEP = "tests.worker_slow_task.slow_step"

#: The short visibility timeout of the worker that gets the task back, and how long after that
#: worker starts the task must have finished: the timeout, a scan (every 10 s), the run (3 s).
SHORT = 30
BOUND = 60

TIMES = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "soft": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "hard": settings.CELERY_TASK_TIME_LIMIT,
    "visibility": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"],
    "email": settings.EMAIL_TIMEOUT,
}))
"""


def _times(**extra: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", TIMES],
        cwd=ROOT,
        env=_clean_env(REDIS_URL="redis://127.0.0.1:6379/0", **extra),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_visibility_timeout_is_minutes_and_above_the_time_limit():
    times = _times()
    assert 0 < times["soft"] < times["hard"] <= 120
    # kombu's default is an hour: work in flight on a killed worker would wait that long.
    assert 120 <= times["visibility"] <= 10 * 60
    # A retry waits in the worker, unacknowledged, for its countdown (at most 2**7 s with
    # retry_backoff and max_retries=8), then for a free process, then runs.
    assert times["visibility"] > 2**7 + 2 * times["hard"]
    assert 0 < times["email"] < times["soft"]
    short = _times(
        CELERY_VISIBILITY_TIMEOUT="6", CELERY_TASK_TIME_LIMIT="5", CELERY_TASK_SOFT_TIME_LIMIT="4"
    )
    assert (short["soft"], short["hard"], short["visibility"]) == (4, 5, 6)


def test_it_refuses_to_start_with_a_visibility_timeout_not_above_the_time_limit():
    assert "CELERY_VISIBILITY_TIMEOUT" in _refused(
        REDIS_URL="redis://127.0.0.1:6379/0", CELERY_VISIBILITY_TIMEOUT="60"
    )
    assert "CELERY_VISIBILITY_TIMEOUT" in _refused(
        REDIS_URL="redis://127.0.0.1:6379/0",
        CELERY_TASK_SOFT_TIME_LIMIT="60",
        CELERY_TASK_TIME_LIMIT="60",
    )


def test_no_task_may_run_until_its_visibility_timeout():
    """A task given its own time limit still ends (or is killed) before Redis would hand its
    message to a second worker."""
    from imdi_grants.celery import app

    app.loader.import_default_modules()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = {
        name: (
            task.soft_time_limit or app.conf.task_soft_time_limit,
            task.time_limit or app.conf.task_time_limit,
        )
        for name, task in app.tasks.items()
        if not name.startswith(("celery.", "tests."))
    }
    assert "grants.tasks.grant_letter_deliver" in limits
    assert "imdi_grants.outbox.tasks.messages_sweep" in limits
    too_long = {
        name: (soft, hard)
        for name, (soft, hard) in limits.items()
        if not (soft and hard and soft < hard < visibility)
    }
    assert too_long == {}


@pytest.mark.django_db
def test_the_outbox_sweep_stops_starting_e_mails_when_its_time_is_up(mailoutbox):
    """The longest task ends well inside its soft time limit; the next run sends the rest."""
    for number in range(2):
        OutboxMessage.objects.create(
            key=f"sweep-budget:{number}",
            to=f"person{number}@drammen.kommune.no",
            subject="Tilskudd",
            body="Hei",
            next_attempt_at=timezone.now(),
        )
    assert messages_sweep(seconds=0) == 0
    assert OutboxMessage.objects.filter(status=MessageStatus.QUEUED).count() == 2
    assert messages_sweep() == 2
    assert len(mailoutbox) == 2


def _worker(queue: str, name: str, log: Path, **extra: str) -> subprocess.Popen:
    """A real prefork worker in a process group of its own, so one signal reaches its children;
    its keys in Redis start with the queue's name (``TEST_BROKER_KEYPREFIX``)."""
    env = {**os.environ, "CELERY_QUEUE": queue, "TEST_BROKER_KEYPREFIX": f"{queue}:", **extra}
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "tests.worker_slow_task",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "-Q",
                queue,
                "-n",
                f"{name}-{queue}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_for(
    what, seconds: float, *, worker: subprocess.Popen | None = None, log: Path | None = None
) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if what():
            return True
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker stopped:\n{log.read_text() if log else ''}")
        time.sleep(0.2)
    return False


def _signal(worker: subprocess.Popen, sig: int) -> None:
    """``sig`` to the worker's whole process group (main process and pool children), while
    its main process, whose id the group bears, is still ours."""
    if worker.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, sig)


def _stop(worker: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    _signal(worker, sig)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _signal(worker, signal.SIGKILL)
        worker.wait(timeout=10)


def _unacked(client: redis.Redis, queue: str, task_id: str) -> list[bytes]:
    """Delivery tags of this task's message that Redis holds as handed out, not acknowledged."""
    held = client.hgetall(f"{queue}:unacked")
    return [tag for tag, raw in held.items() if task_id.encode() in raw]


@pytest.mark.worker
def test_work_in_flight_on_a_killed_worker_is_redelivered_within_minutes(tmp_path):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = f"imdi-killed-{uuid.uuid4().hex[:12]}"
    key = f"{queue}:runs"
    sender = Celery(
        "killed-worker-test",
        broker=settings.CELERY_BROKER_URL,
        broker_transport_options={"global_keyprefix": f"{queue}:"},
    )

    def runs() -> list[str]:
        return [run.decode() for run in client.lrange(key, 0, -1)]

    def steps() -> list[str]:
        return [run.split(":")[0] for run in runs()]

    def ready(log: Path):
        return lambda: b" ready." in log.read_bytes()

    workers: list[subprocess.Popen] = []
    try:
        # 1. A worker with the default settings starts the slow task; the whole worker is killed.
        first_log = tmp_path / "first.log"
        workers.append(_worker(queue, "first", first_log))
        task_id = sender.send_task(SLOW_STEP, args=[key, 3], queue=queue).id
        assert _wait_for(runs, 60, worker=workers[0], log=first_log), first_log.read_text()
        _signal(workers[0], signal.SIGKILL)
        workers[0].wait(timeout=10)
        time.sleep(0.5)  # the children die with their group; let the kernel reap them
        assert steps() == ["started"]
        assert _unacked(client, queue, task_id), "the message was lost, not left unacknowledged"

        # 2. Until its visibility timeout runs out Redis hands it to no one: a fresh worker with
        # the default (five minutes) runs its start-up scan and a periodic one, and waits.
        second_log = tmp_path / "second.log"
        workers.append(_worker(queue, "second", second_log))
        assert _wait_for(ready(second_log), 60, worker=workers[1], log=second_log)
        time.sleep(12)  # more than the 10 s between two scans for timed-out messages
        assert steps() == ["started"], second_log.read_text()
        _stop(workers[1], signal.SIGTERM)

        # 3. A worker with a short visibility timeout from the environment, started before it
        # runs out, finds the message in a periodic scan (every 10 s) and finishes it in time.
        third_log = tmp_path / "third.log"
        started = time.monotonic()
        workers.append(
            _worker(
                queue,
                "third",
                third_log,
                CELERY_VISIBILITY_TIMEOUT=str(SHORT),
                CELERY_TASK_TIME_LIMIT="20",
                CELERY_TASK_SOFT_TIME_LIMIT="15",
            )
        )
        finished = _wait_for(lambda: "finished" in steps(), BOUND, worker=workers[2], log=third_log)
        assert finished, f"not redelivered within {BOUND} s:\n{third_log.read_text()}"
        assert time.monotonic() - started < BOUND
        assert steps() == ["started", "started", "finished"]
        first, again = (float(run.split(":")[2]) for run in runs()[:2])
        # (The timeout runs from when the killed worker took the message, just before it started.)
        assert again - first >= SHORT - 1, "handed out again before its visibility timeout ran out"
        assert _wait_for(lambda: not _unacked(client, queue, task_id), 10), "never acknowledged"
    finally:
        for worker in workers:
            _stop(worker)
        sender.close()
        for name in client.scan_iter(match=f"{queue}:*"):
            client.delete(name)
