from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def grant_letter_render(letter_id: int) -> None:
    services.grant_letter_render(letter_id=letter_id)


@shared_task(acks_late=True)
def grants_lapse_overdue() -> None:
    """Hourly: grants whose acceptance deadline has passed lapse."""
    services.grants_lapse_overdue()
