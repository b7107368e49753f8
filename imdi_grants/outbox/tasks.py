from celery import shared_task

from imdi_grants.lib.tasks import RETRY_ON

from . import services


@shared_task(acks_late=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=8)
def message_send(message_id: int) -> None:
    services.message_send(message_id=message_id)


@shared_task(acks_late=True)
def messages_sweep() -> None:
    """Every five minutes: send what is still waiting."""
    services.messages_sweep()
