"""The receipt: a PDF with the full application and its case number, made once per submission by
a task after commit, in the organisation's written standard, and sent by e-mail."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from applications.development.models import Receipt
from applications.development.services import application_submit, receipt_render_and_send
from imdi_grants.lib.deadlines import today_in_oslo
from schemes.models import SchemeYear

from .conftest import IN_TIME


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_the_receipt_has_the_case_number_and_the_whole_application(
    complete, signatory, municipality
):
    municipality.email = "postmottak@drammen.example"
    municipality.save()
    application_submit(application=complete, by=signatory, at=IN_TIME)
    receipt = receipt_render_and_send(application_id=complete.pk)
    with receipt.file.open("rb") as f:
        data = f.read()
    assert receipt.sha256 == hashlib.sha256(data).hexdigest()
    text = pdf_text(data)
    assert "2025/00001" in text
    assert "Språk og arbeid i Drammen" in text
    assert "Kvittering for innsendt søknad" in text
    assert "Jobbsjansen" in text

    (message,) = mail.outbox
    assert set(message.to) == {"postmottak@drammen.example", signatory.email}
    assert "2025/00001" in message.subject
    assert message.attachments[0][2] == "application/pdf"
    # The case number's "/" never becomes a folder in the stored file's name (issue 12).
    assert receipt.file.name.rsplit("/", 1)[-1] == "kvittering-2025-00001-1.pdf"
    assert message.attachments[0][0] == "kvittering-2025-00001-1.pdf"

    # A redelivered task does nothing more.
    assert receipt_render_and_send(application_id=complete.pk) == receipt
    assert Receipt.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_receipt_is_in_nynorsk_for_a_nynorsk_municipality(complete, signatory, municipality):
    municipality.written_standard = "nn"
    municipality.save()
    application_submit(application=complete, by=signatory, at=IN_TIME)
    receipt = receipt_render_and_send(application_id=complete.pk)
    assert receipt.language == "nn"
    with receipt.file.open("rb") as f:
        text = pdf_text(f.read())
    assert "Talet på deltakarar" in text and "Antall deltakere" not in text


@pytest.mark.worker
def test_the_worker_makes_the_receipt_after_the_signatory_submits(
    celery_worker_on_redis, client, complete, signatory
):
    # The 2025 round is past; keep it open for this test with a real worker and a real clock.
    SchemeYear.objects.filter(pk=complete.scheme_year_id).update(
        application_deadline=today_in_oslo() + dt.timedelta(days=30)
    )
    client.force_login(signatory)
    response = client.post(reverse("development:submit", args=[complete.pk]), {"action": "submit"})
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not Receipt.objects.filter(emailed_at__isnull=False):
        time.sleep(0.2)
    assert Receipt.objects.count() == 1
    response = client.get(reverse("development:receipt", args=[complete.pk]))
    text = pdf_text(b"".join(response.streaming_content))
    assert "2025/00001" in text and "Språk og arbeid i Drammen" in text


def test_a_receipt_lost_on_its_way_is_made_later_even_after_the_formal_check(
    complete, signatory, caseworker
):
    """Pending work lives in the database: the sweeper finds a submission without its receipt,
    and the receipt is owed even when IMDi has moved the case on in the meantime."""
    from django.utils import timezone

    from applications.assessment.services import formal_check_record
    from applications.development.services import impartiality_declare, receipts_sweep

    application_submit(application=complete, by=signatory, at=IN_TIME)
    impartiality_declare(application=complete, by=caseworker, has_conflict=False)
    checks = dict.fromkeys(
        (
            "check_organisation_type",
            "check_deadline_met",
            "check_participants",
            "check_own_contribution",
            "check_approved_by_authority",
        ),
        True,
    )
    formal_check_record(application=complete, by=caseworker, checks=checks)
    later = timezone.now() + dt.timedelta(minutes=6)
    assert receipts_sweep(now=later) == 1
    receipt = receipt_render_and_send(application_id=complete.pk)
    assert receipt is not None and receipt.emailed_at is not None
    assert receipts_sweep(now=later) == 0
