"""Issue 10: IMDi's letters on an appeal. A reversal is a new decision letter and a forwarding
to AID has its letter (to the Ministry, copy to the organisation), each in the organisation's
written standard, dated and rendered once however often its task runs, found again by the
sweeper when its task was lost, and opened only by those who see the appeal."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.appeals import services
from applications.appeals.models import AppealLetter
from imdi_grants.audit.models import AuditEntry
from imdi_grants.outbox.models import OutboxMessage
from tests.appeals.test_appeals import dismissed  # noqa: F401
from tests.assessment.conftest import declare

pytestmark = pytest.mark.django_db


def deliver(letter: AppealLetter, on: dt.date) -> str:
    """What the delivery task does (twice, as a retry would), then the PDF's text."""
    for _ in range(2):
        services.appeal_letter_send(letter_id=letter.pk, on=on)
        services.appeal_letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    with letter.file.open("rb") as pdf:
        pages = PdfReader(io.BytesIO(pdf.read())).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages).replace("\xa0", " ")


def test_the_forwarding_letter_goes_to_aid_with_a_copy_and_the_preparation(
    dismissed,  # noqa: F811
    signatory,
    assessor_a,
):
    appeal = services.appeal_lodge(by=signatory, text="Vi har tolv deltakere.", decision=dismissed)
    services.appeal_forward(
        appeal=appeal, by=assessor_a, preparation="IMDi holder fast ved avvisningen."
    )
    letter = appeal.letters.get()
    assert (letter.kind, letter.sent_on, letter.rendered_at) == ("forwarding", None, None)
    text = deliver(letter, dt.date(2025, 4, 1))
    sha = letter.sha256
    assert "Arbeids- og inkluderingsdepartementet" in text
    assert "Kopi til" in text and dismissed.case.organisation.name in text
    assert "1. april 2025" in text
    assert "IMDi holder fast ved avvisningen." in text and "Vi har tolv deltakere." in text
    assert "§ 33 fjerde ledd" in text
    deliver(letter, dt.date(2025, 4, 9))
    assert letter.sha256 == sha and letter.sent_on == dt.date(2025, 4, 1), "rendered once"
    notices = OutboxMessage.objects.filter(key__startswith=f"appeal:{appeal.pk}:forwarded")
    assert notices.count() == 2, "each of the organisation's two users is told once"


def test_a_reversal_is_a_new_decision_in_nynorsk_for_a_nynorsk_municipality(
    dismissed,  # noqa: F811
    signatory,
    assessor_a,
):
    organisation = dismissed.case.organisation
    organisation.written_standard = "nn"
    organisation.save(update_fields=["written_standard"])
    appeal = services.appeal_lodge(by=signatory, text="Feil.", decision=dismissed)
    services.appeal_reverse(appeal=appeal, by=assessor_a, grounds="Deltakarlista viser tolv.")
    text = deliver(appeal.letters.get(kind="reversal"), dt.date(2025, 3, 28))
    assert "Nytt vedtak etter klaga" in text
    assert "Deltakarlista viser tolv." in text
    assert "§ 33 andre ledd" in text and "tre veker" in text


def test_a_letter_whose_task_was_lost_is_delivered_by_the_sweeper(
    dismissed,  # noqa: F811
    signatory,
    assessor_a,
):
    appeal = services.appeal_lodge(by=signatory, text="Feil.", decision=dismissed)
    services.appeal_forward(appeal=appeal, by=assessor_a, preparation="Holder fast.")
    now = timezone.now()
    assert services.appeal_letters_sweep(now=now) == 0, "not before five minutes have passed"
    assert services.appeal_letters_sweep(now=now + dt.timedelta(minutes=6)) == 1
    deliver(appeal.letters.get(), dt.date(2025, 4, 1))
    assert services.appeal_letters_sweep(now=now + dt.timedelta(minutes=6)) == 0


def test_only_those_who_see_the_appeal_open_its_letters_and_each_download_is_audited(
    client,
    dismissed,  # noqa: F811
    signatory,
    applicant,
    outsider,
    assessor_a,
    caseworker,
):
    appeal = services.appeal_lodge(by=signatory, text="Feil.", decision=dismissed)
    services.appeal_forward(appeal=appeal, by=assessor_a, preparation="Holder fast.")
    letter = appeal.letters.get()
    deliver(letter, dt.date(2025, 4, 1))
    url = reverse("appeals:letter", args=[appeal.pk, letter.pk])
    client.force_login(applicant)
    detail = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert url in detail
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action="imdi.security.appeal_letter_downloaded", actor=applicant
    ).exists()
    for refused in (outsider, caseworker):
        if refused is caseworker:
            declare(dismissed.case, caseworker, conflict=True)
        client.force_login(refused)
        assert client.get(url).status_code == 404
