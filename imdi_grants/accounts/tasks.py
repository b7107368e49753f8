from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send(invitation_id: int) -> None:
    """Send an invitation e-mail; a second run for the same invitation sends nothing."""
    services.invitation_send(invitation_id=invitation_id)
