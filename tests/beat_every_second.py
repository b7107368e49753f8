"""The portal's Celery app with a beat schedule that sends the report reminders every second:
for the test that runs two real beat processes against Redis (``celery -A
tests.beat_every_second beat``)."""

from imdi_grants.celery import app

app.conf.beat_schedule = {
    "report-reminders": {"task": "reporting.tasks.report_reminders", "schedule": 1.0},
}

__all__ = ["app"]
