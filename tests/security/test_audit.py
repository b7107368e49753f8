"""Audit what matters: logins, failed logins, logouts and downloads of letters, receipts,
attachments and payment lists, in UTC and with no secrets."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.development.models import Attachment
from applications.development.services import application_submit, receipt_render_and_send
from applications.reception import services as reception_services
from grants import services as grant_services
from imdi_grants.audit.models import AuditEntry
from tests.development.conftest import IN_TIME
from tests.factories import PASSWORD
from tests.reception_fixtures import ACCEPTANCE_FIELDS

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _only(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def _no_secret(entry: AuditEntry, *secrets: str) -> None:
    text = json.dumps(entry.data) + entry.reason
    for secret in secrets:
        assert secret not in text
    assert "password" not in text


def _in_utc(entry: AuditEntry) -> None:
    entry.refresh_from_db()
    assert entry.created_at.utcoffset() == dt.timedelta(0)
    assert abs(entry.created_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_a_login_and_a_logout_are_audited(client, applicant):
    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    entry = _only("imdi.security.login")
    assert entry.actor == applicant and entry.subject == applicant
    assert entry.data["ip"] == "127.0.0.1"
    _no_secret(entry, PASSWORD)
    _in_utc(entry)
    client.post(reverse("account_logout"))
    entry = _only("imdi.security.logout")
    assert entry.actor == applicant and entry.subject == applicant


def test_a_failed_login_is_audited_with_the_address_tried_but_not_the_password(client, applicant):
    client.post(reverse("account_login"), {"login": applicant.email, "password": "Gjett1234!x"})
    entry = _only("imdi.security.login_failed")
    assert entry.actor is None
    assert entry.subject == applicant
    assert entry.data["email"] == applicant.email
    _no_secret(entry, "Gjett1234!x")
    _in_utc(entry)


def test_a_failed_login_for_an_unknown_address_is_audited(client, db):
    client.post(reverse("account_login"), {"login": "nobody@example.no", "password": "Gjett1234!x"})
    entry = _only("imdi.security.login_failed")
    assert entry.data["email"] == "nobody@example.no"
    _no_secret(entry, "Gjett1234!x")


def test_downloading_a_grant_letter_is_audited(
    client, offer, signatory, caseworker, django_capture_on_commit_callbacks
):
    reception_services.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    with django_capture_on_commit_callbacks(execute=False):
        letter = reception_services.offer_grant(offer=offer, by=caseworker)
    grant_services.grant_letter_render(letter_id=letter.pk)
    client.force_login(signatory)
    response = client.get(reverse("reception:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200
    entry = _only("imdi.security.letter_downloaded")
    assert entry.actor == signatory
    assert entry.subject == letter
    assert entry.organisation == offer.organisation
    _in_utc(entry)


def test_exporting_the_payment_list_is_audited(client, caseworker):
    client.force_login(caseworker)
    client.get(reverse("grants:payments_export", args=["xlsx"]))
    entry = _only("imdi.security.payments_exported")
    assert entry.actor == caseworker
    assert entry.data["format"] == "xlsx"


def test_downloading_an_attachment_is_audited(client, draft, applicant):
    client.force_login(applicant)
    client.post(
        reverse("development:attachment_upload", args=[draft.pk]),
        {"file": SimpleUploadedFile("budsjett.pdf", PDF_BYTES)},
    )
    attachment = Attachment.objects.get()
    response = client.get(reverse("development:attachment", args=[draft.pk, attachment.pk]))
    assert response.status_code == 200
    entry = _only("imdi.security.attachment_downloaded")
    assert entry.actor == applicant
    assert entry.subject == attachment
    assert entry.organisation == draft.organisation


def test_downloading_a_receipt_is_audited(client, complete, signatory):
    application_submit(application=complete, by=signatory, at=IN_TIME)
    receipt = receipt_render_and_send(application_id=complete.pk)
    client.force_login(signatory)
    response = client.get(reverse("development:receipt", args=[complete.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    entry = _only("imdi.security.receipt_downloaded")
    assert entry.actor == signatory
    assert entry.subject == receipt
