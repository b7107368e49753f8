from celery import shared_task

from imdi_grants.lib.tasks import RETRY_ON

from . import services


@shared_task(acks_late=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=8)
def appeal_letter_deliver(letter_id: int) -> None:
    """Send the reversal or forwarding letter (which dates it), then render its PDF with that
    date; each step happens once, so a retry is harmless."""
    services.appeal_letter_send(letter_id=letter_id)
    services.appeal_letter_render(letter_id=letter_id)


@shared_task(acks_late=True)
def appeal_letters_sweep() -> None:
    """Every five minutes: deliver appeal letters still not sent or rendered."""
    services.appeal_letters_sweep()
