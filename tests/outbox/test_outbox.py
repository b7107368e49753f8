"""E-mail goes through the outbox (issue 8 "telling people"; issue 12 "nothing lost"): queued
once per key, sent after commit, kept when the mail server fails, and sent again by the sweeper."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from imdi_grants.outbox.models import MessageStatus, OutboxMessage
from imdi_grants.outbox.services import message_queue, message_send, messages_sweep


def _queue(user, key="k:1"):
    return message_queue(
        key=key,
        recipient=user,
        template="grants/email/letter",
        context={
            "letter": type(
                "L", (), {"is_change": False, "version": 1, "acceptance_deadline": None}
            ),
            "grant": type(
                "G",
                (),
                {
                    "case_number": "2024/00001",
                    "organisation": type("O", (), {"name": "Drammen kommune"}),
                    "scheme_year": type(
                        "Y", (), {"year": 2024, "scheme": type("S", (), {"name": "X"})}
                    ),
                },
            ),
            "link": "http://127.0.0.1:8000/tilskudd/1/",
        },
        language="nn",
    )


def test_the_same_key_is_queued_once(applicant):
    first = _queue(applicant)
    assert first is not None
    assert _queue(applicant) is None
    assert OutboxMessage.objects.count() == 1
    assert "Integrerings- og mangfaldsdirektoratet" in first.body, "written in nynorsk"


def test_it_is_sent_once(applicant):
    message = _queue(applicant)
    assert message_send(message_id=message.pk) is True
    assert message_send(message_id=message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1


def test_a_mail_server_outage_delays_but_loses_nothing(applicant, settings):
    message = _queue(applicant)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert message_send(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1 and message.last_error
    assert message.next_attempt_at > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert messages_sweep() == 0, "not before its next attempt"
    assert messages_sweep(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_when_the_transaction_rolls_back(applicant):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _queue(applicant)
        raise RuntimeError
    assert not OutboxMessage.objects.exists()


def test_each_person_sees_the_e_mails_sent_to_them_and_no_one_else_s(client, applicant, outsider):
    from django.urls import reverse

    _queue(applicant, key="mine")
    _queue(outsider, key="theirs")
    client.force_login(applicant)
    page = client.get(reverse("outbox:my_messages")).content.decode()
    assert f"Hei, {applicant.full_name}" in page
    assert outsider.full_name not in page
