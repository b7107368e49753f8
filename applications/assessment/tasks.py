from celery import shared_task

from imdi_grants.lib.tasks import RETRY_ON

from . import services


@shared_task(acks_late=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=8)
def decision_letter_deliver(letter_id: int) -> None:
    """Send the refusal or dismissal letter (which dates it), then render its PDF with that
    date; each step happens once, so a retry is harmless."""
    services.decision_letter_send(letter_id=letter_id)
    services.decision_letter_render(letter_id=letter_id)


@shared_task(acks_late=True)
def decision_letters_sweep() -> None:
    """Every five minutes: deliver decision letters still not sent or rendered."""
    services.decision_letters_sweep()


@shared_task(acks_late=True)
def assessor_reminders() -> None:
    """Hourly: on Mondays, each assessor's weekly reminder of what is left to score (once)."""
    from .reminders import assessor_reminders_send

    assessor_reminders_send()
