from celery import shared_task

from .reminders import report_reminders_send


@shared_task(acks_late=True)
def report_reminders() -> None:
    """Daily: reminders of reports due or missed (queued once each, by key)."""
    report_reminders_send()
