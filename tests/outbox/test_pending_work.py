"""Issue 12: staff see what is stuck (letters not rendered or sent, receipts, e-mails that gave
up) on one page, and can send it again; nobody else sees the page; the page takes the same
number of queries however much is stuck."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.reception import services as reception
from grants.models import GrantLetter
from imdi_grants.lib.pending import pending_overview
from imdi_grants.outbox.models import MessageStatus, OutboxMessage
from tests.reception_fixtures import ACCEPTANCE_FIELDS


def _stuck_letter(offer, signatory, caseworker, django_capture_on_commit_callbacks):
    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down
        letter = reception.offer_grant(offer=offer, by=caseworker)
    GrantLetter.objects.filter(pk=letter.pk).update(
        created_at=letter.created_at - dt.timedelta(minutes=10)
    )
    return letter


@pytest.mark.django_db
def test_staff_see_a_stuck_letter_and_a_failed_e_mail_and_others_do_not(
    client, offer, signatory, caseworker, applicant, django_capture_on_commit_callbacks
):
    letter = _stuck_letter(offer, signatory, caseworker, django_capture_on_commit_callbacks)
    failed = OutboxMessage.objects.create(
        key="test:failed",
        to="postmottak@drammen.example",
        subject="Tilsagnsbrev",
        body="…",
        status=MessageStatus.FAILED,
        attempts=8,
        last_error="550 mailbox unavailable",
        next_attempt_at=letter.created_at,
    )
    url = reverse("pending_work")
    client.force_login(applicant)
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "grant-letters"}).status_code == 404

    client.force_login(caseworker)
    page = client.get(url).content.decode()
    assert letter.grant.case_number in page
    assert "550 mailbox unavailable" in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"kind": "e-mails", "row": failed.pk})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (MessageStatus.QUEUED, 0), "a fresh round"
    assert client.post(url, {"kind": "no-such-kind"}).status_code == 302


@pytest.mark.django_db
def test_the_page_takes_the_same_queries_for_one_or_many_stuck_rows(
    offer, signatory, caseworker, django_capture_on_commit_callbacks
):
    letter = _stuck_letter(offer, signatory, caseworker, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as one:
        pending_overview()
    old = letter.created_at - dt.timedelta(minutes=10)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(key=f"test:{n}", to="a@b.example", subject="s", body="b", next_attempt_at=old)
        for n in range(30)
    )
    OutboxMessage.objects.filter(key__startswith="test:").update(created_at=old)
    with CaptureQueriesContext(connection) as many:
        groups = {g.kind.key: g for g in pending_overview()}
    assert groups["e-mails"].count == 30 and groups["grant-letters"].count == 1
    assert len(many) == len(one) + 1  # the e-mails' count, now that there are some


@pytest.mark.worker
def test_sending_again_from_the_page_delivers_the_letter_with_a_real_worker(
    client, offer, signatory, caseworker, celery_worker_on_redis, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    letter = reception.offer_grant(offer=offer, by=caseworker)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not GrantLetter.objects.get(pk=letter.pk).rendered_at:
        time.sleep(0.2)
    # Lost after all: make it look as if the worker died before finishing, ten minutes ago.
    GrantLetter.objects.filter(pk=letter.pk).update(
        rendered_at=None,
        file="",
        sha256="",
        created_at=letter.created_at - dt.timedelta(minutes=10),
    )
    client.force_login(caseworker)
    client.post(reverse("pending_work"), {"kind": "grant-letters", "row": letter.pk})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not GrantLetter.objects.get(pk=letter.pk).rendered_at:
        time.sleep(0.2)
    assert GrantLetter.objects.get(pk=letter.pk).rendered_at, "the worker rendered it again"
