"""The broker down at commit (issue 12): the committed action answers normally, and the work it
stands for is found again by the sweeper once the broker is back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imdi_grants.celery import app
from imdi_grants.outbox.models import MessageStatus, OutboxMessage
from imdi_grants.outbox.services import messages_sweep
from tests.reception_fixtures import ACCEPTANCE_FIELDS


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where nothing listens (a real refused connection)."""
    url = app.conf.broker_url
    _reconnect("redis://127.0.0.1:1/0")
    yield
    _reconnect(url)


def _reconnect(url: str) -> None:
    """Use ``url`` from now on: drop the app's cached connection and producer pools."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_issuing_a_letter_with_the_broker_down_is_not_an_error(
    client, signatory, caseworker, offer, broker_down
):
    from applications.reception import services

    services.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    client.force_login(caseworker)
    response = client.post(
        reverse("reception:letter_issue", args=[offer.pk]),
        {"seen": "acceptance_letter_submitted"},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    letter = offer.grant.letters.get()
    assert letter.sent_on is None, "not delivered yet: the sweeper will"
    # The offer's e-mails were queued in the database although none could be enqueued.
    queued = OutboxMessage.objects.filter(key__startswith=f"offer:{offer.pk}:")
    assert queued.exists() and all(m.status == MessageStatus.QUEUED for m in queued)
    assert messages_sweep() == queued.count()
