from celery import shared_task

from . import services


@shared_task(acks_late=True)
def message_send(message_id: int) -> None:
    services.message_send(message_id=message_id)


@shared_task(acks_late=True)
def messages_sweep() -> None:
    """Every five minutes: send what is still waiting."""
    services.messages_sweep()
