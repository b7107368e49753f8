from celery import shared_task

from imdi_grants.lib.tasks import RETRY_ON

from . import services


@shared_task(acks_late=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=8)
def grant_letter_deliver(letter_id: int) -> None:
    """Send the letter (which dates it and starts its deadline) and render its PDF with that
    date and deadline, both or neither; each happens once, so a retry is harmless."""
    services.grant_letter_deliver(letter_id=letter_id)


@shared_task(acks_late=True)
def letters_sweep() -> None:
    """Every five minutes: deliver grant letters and closing letters still not rendered or
    sent."""
    services.letters_sweep()
    services.closing_letters_sweep()


@shared_task(acks_late=True)
def grants_lapse_overdue() -> None:
    """Hourly: letters whose acceptance deadline has passed lapse."""
    services.grants_lapse_overdue()


@shared_task(acks_late=True)
def acceptance_reminders() -> None:
    """Daily: reminders of letters waiting for acceptance (queued once each, by key)."""
    from .reminders import acceptance_reminders_send

    acceptance_reminders_send()


@shared_task(acks_late=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=8)
def reaction_letter_deliver(reaction_id: int) -> None:
    """Send the decided reaction's letter (dating it), then render its PDF; each once."""
    services.reaction_letter_send(reaction_id=reaction_id)
    services.reaction_letter_render(reaction_id=reaction_id)


@shared_task(acks_late=True)
def reaction_letters_sweep() -> None:
    """Every five minutes: reaction letters still not sent or rendered."""
    services.reaction_letters_sweep()


@shared_task(acks_late=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=8)
def closing_letter_deliver(letter_id: int) -> None:
    """Send the closing letter (dating it), then render it; each once."""
    services.closing_letter_send(letter_id=letter_id)
    services.closing_letter_render(letter_id=letter_id)


@shared_task(acks_late=True)
def reclaim_reminders() -> None:
    """Hourly: reminders of reclaims still owed (queued once each, by key)."""
    from .reminders import reclaim_reminders_send

    reclaim_reminders_send()
