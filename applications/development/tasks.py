from celery import shared_task

from imdi_grants.lib.tasks import RETRY_ON

from . import services


@shared_task(acks_late=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=8)
def receipt_render(application_id: int) -> None:
    """Render, store and e-mail the receipt of an application's latest submission; a second run
    for the same submission does nothing."""
    services.receipt_render_and_send(application_id=application_id)


@shared_task(acks_late=True)
def draft_reminders() -> None:
    """Daily: reminders of the application deadline for started drafts (once each, by key)."""
    from .reminders import draft_reminders_send

    draft_reminders_send()


@shared_task(acks_late=True)
def receipts_sweep() -> None:
    """Every five minutes: receipts still not made or e-mailed."""
    services.receipts_sweep()
