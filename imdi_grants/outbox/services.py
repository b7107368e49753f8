"""Queue and send e-mail through the outbox."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from imdi_grants.accounts.models import Organisation, User
from imdi_grants.lib.tasks import enqueue

from .models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8

#: The outbox sweep sends for at most this long a run (``CELERY_TASK_SOFT_TIME_LIMIT`` is 45 s).
SWEEP_SECONDS = 30


def _backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes, at most four hours, between attempts."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


def message_queue(
    *,
    key: str,
    recipient: User,
    template: str,
    context: dict,
    language: str,
) -> OutboxMessage | None:
    """Queue one e-mail to a user, rendered now in ``language`` from ``<template>_subject.txt``
    and ``<template>_body.txt``; it is sent after commit. A key already queued queues nothing
    (returns None). Call inside the transaction that made the change the e-mail tells of."""
    from .tasks import message_send

    if not recipient.email or not recipient.is_active:
        return None
    context = {**context, "recipient": recipient, "portal_base_url": settings.PORTAL_BASE_URL}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key,
                recipient=recipient,
                to=recipient.email,
                subject=subject,
                body=body,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None
    enqueue(message_send, message.pk)
    return message


def messages_stuck(*, before: dt.datetime) -> QuerySet[OutboxMessage]:
    """E-mails queued before ``before`` and still not sent, and those that gave up."""
    return OutboxMessage.objects.filter(
        Q(status=MessageStatus.QUEUED, created_at__lt=before) | Q(status=MessageStatus.FAILED)
    )


@transaction.atomic
def message_retry(*, message_id: int) -> None:
    """Try a waiting or failed e-mail again now (a failed one gets a fresh round of attempts)."""
    from .tasks import message_send as task

    OutboxMessage.objects.filter(pk=message_id).exclude(status=MessageStatus.SENT).update(
        status=MessageStatus.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    enqueue(task, message_id)


@transaction.atomic
def message_send(*, message_id: int) -> bool:
    """Send a queued e-mail once. The row lock (skipping a row another worker holds) and the
    status make a repeated or parallel task a no-op; a failure is kept for the sweeper."""
    message = (
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=message_id, status=MessageStatus.QUEUED)
        .first()
    )
    if message is None:
        return False
    message.attempts += 1
    try:
        EmailMessage(message.subject, message.body, None, [message.to]).send()
    except Exception as exc:  # any mail-server fault: keep it, try again later
        log.warning("e-mail %s not sent: %s", message.pk, exc)
        message.last_error = str(exc)[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = MessageStatus.FAILED
        message.next_attempt_at = timezone.now() + _backoff(message.attempts)
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return False
    message.status = MessageStatus.SENT
    message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "status", "sent_at"])
    return True


def messages_sweep(*, now: dt.datetime | None = None, seconds: float = SWEEP_SECONDS) -> int:
    """Send again what is still queued and due (the broker was down, a worker died, the mail
    server refused); run every few minutes by beat. It starts no new e-mail after ``seconds``,
    so it ends well inside the tasks' soft time limit instead of being killed in the middle of
    an e-mail (which would then go out twice); the next run sends the rest."""
    now = now or timezone.now()
    stop = time.monotonic() + seconds
    due = OutboxMessage.objects.filter(
        status=MessageStatus.QUEUED, next_attempt_at__lte=now
    ).values_list("pk", flat=True)[:500]
    sent = 0
    for pk in due:
        if time.monotonic() >= stop:
            break
        sent += message_send(message_id=pk)
    return sent


def organisation_notify(
    *,
    organisation: Organisation,
    key: str,
    template: str,
    context: dict,
    roles: Iterable[str] | None = None,
    also: Iterable[User] = (),
) -> int:
    """Queue one e-mail to each of the organisation's users (of ``roles``, or all), in its
    written standard, and to ``also`` (IMDi staff, in Bokmål). ``key`` names what the e-mail is
    about; each recipient's is ``<key>:user:<id>``, so the same notice is never queued twice.
    Returns how many were queued now."""
    memberships = organisation.memberships.select_related("user")
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    recipients = [(m.user, organisation.letter_language) for m in memberships]
    recipients += [(user, "nb") for user in also]
    queued = 0
    with transaction.atomic():
        for user, language in recipients:
            queued += (
                message_queue(
                    key=f"{key}:user:{user.pk}",
                    recipient=user,
                    template=template,
                    context=context,
                    language=language,
                )
                is not None
            )
    return queued
