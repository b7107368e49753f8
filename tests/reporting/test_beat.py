"""Issue 10: reminders end to end with real parts, not eager tasks. Two real ``celery beat``
processes fire the report reminder job every second against Redis, a real worker runs it, and
each reminder (14 and 3 days before a due date) reaches the outbox once, however often the job
runs and from however many beat processes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imdi_grants.lib.deadlines import today_in_oslo
from imdi_grants.outbox.models import OutboxMessage

pytestmark = [pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]


def _beat(tmp_path: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.beat_every_second",
            "beat",
            "--loglevel",
            "INFO",
            "--max-interval",
            "1",
            "--schedule",
            str(tmp_path / f"beat-{name}"),
            "--pidfile",
            "",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_two_beat_processes_and_a_worker_send_each_reminder_once(
    accepted_grant, applicant, signatory, celery_worker_on_redis, tmp_path
):
    today = today_in_oslo()
    first, second = accepted_grant.reports.order_by("due_date")[:2]
    accepted_grant.reports.update(due_date=today + dt.timedelta(days=100))
    first.due_date, second.due_date = today + dt.timedelta(days=14), today + dt.timedelta(days=3)
    first.save(update_fields=["due_date"])
    second.save(update_fields=["due_date"])
    reminders = OutboxMessage.objects.filter(key__startswith="reminder:report:")
    members = accepted_grant.organisation.memberships.count()
    assert members == 2

    beats = [_beat(tmp_path, "a"), _beat(tmp_path, "b")]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and reminders.count() < 2 * members:
            assert all(beat.poll() is None for beat in beats), "a beat process stopped"
            time.sleep(0.5)
        assert reminders.count() == 2 * members
        time.sleep(4)  # several more runs from each beat process
    finally:
        for beat in beats:
            beat.terminate()
        logs = [beat.communicate(timeout=20)[0].decode() for beat in beats]
    assert all("Sending due task report-reminders" in log for log in logs), logs
    assert sorted(reminders.values_list("key", flat=True)) == sorted(
        f"reminder:report:{report.pk}:{days}:user:{membership.user_id}"
        for report, days in ((first, 14), (second, 3))
        for membership in accepted_grant.organisation.memberships.all()
    )
