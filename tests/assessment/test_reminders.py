"""Issue 10: assessors with unscored assigned applications get one reminder a week, through the
outbox, whether the beat task runs once, twice, or in a real worker."""

from __future__ import annotations

import datetime as dt

import pytest

from applications.assessment import services
from applications.assessment.reminders import assessor_reminders_send
from imdi_grants.outbox.models import OutboxMessage

from .conftest import GOOD

MONDAY = dt.date(2025, 3, 3)


@pytest.mark.django_db
def test_one_reminder_a_week_to_each_assessor_with_something_left(
    in_assessment, assessor_a, assessor_b
):
    assert assessor_reminders_send(today=MONDAY) == 2
    assert assessor_reminders_send(today=MONDAY) == 0, "the same week's reminder is queued once"
    assert assessor_reminders_send(today=MONDAY + dt.timedelta(days=6)) == 0, "Sunday, same week"
    message = OutboxMessage.objects.get(recipient=assessor_a)
    assert in_assessment.case_number in message.body
    services.score_save(application=in_assessment, by=assessor_a, values=GOOD, submit=True)
    next_monday = MONDAY + dt.timedelta(weeks=1)
    assert assessor_reminders_send(today=next_monday) == 1
    assert OutboxMessage.objects.filter(recipient=assessor_a).count() == 1
    assert OutboxMessage.objects.filter(recipient=assessor_b).count() == 2


@pytest.mark.worker
def test_the_beat_task_in_a_real_worker_queues_each_reminder_once(
    in_assessment, assessor_a, celery_worker_on_redis
):
    import time

    from applications.assessment.tasks import assessor_reminders

    reminders = OutboxMessage.objects.filter(key__startswith="reminder:assessor:")
    assessor_reminders.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and reminders.count() < 2:
        time.sleep(0.2)
    assert reminders.count() == 2
    assessor_reminders.delay()  # the beat running again, or a retried task
    time.sleep(3)
    assert reminders.count() == 2
