"""Telling people (issue 8): the offer and the letter reach the municipality's users by e-mail
with a link, the acceptance deadline runs from when the letter was sent, and a returned report
is announced. A letter not yet sent never lapses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from applications.reception import services as reception
from grants import services
from grants.models import GrantStatus, LetterStatus
from imdi_grants.audit.models import AuditEntry
from imdi_grants.outbox.models import OutboxMessage
from imdi_grants.outbox.services import messages_sweep
from reporting import services as reports
from tests.reception_fixtures import ACCEPTANCE_FIELDS, OSLO


def test_the_offer_is_e_mailed_to_the_municipalitys_users(applicant, signatory, offer):
    messages = OutboxMessage.objects.filter(key__startswith=f"offer:{offer.pk}:")
    assert sorted(m.to for m in messages) == sorted([applicant.email, signatory.email])
    body = messages.first().body
    assert offer.case_number in body
    assert f"/integreringsmottak/{offer.pk}/" in body


def test_the_deadline_runs_from_when_the_letter_was_sent(applicant, signatory, caseworker, offer):
    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    letter = reception.offer_grant(offer=offer, by=caseworker)
    assert letter.acceptance_deadline is None and letter.sent_on is None
    # Not yet sent: the hourly job lapses nothing, however late it is.
    assert services.grants_lapse_overdue(at=dt.datetime(2030, 1, 1, tzinfo=OSLO)) == 0
    assert services.grant_letter_send(letter_id=letter.pk, on=dt.date(2024, 3, 4)) is True
    assert services.grant_letter_send(letter_id=letter.pk) is False, "sent once"
    letter.refresh_from_db()
    grant = letter.grant
    assert (letter.sent_on, letter.acceptance_deadline) == (
        dt.date(2024, 3, 4),
        dt.date(2024, 3, 18),
    )
    assert grant.acceptance_deadline == dt.date(2024, 3, 18)
    assert AuditEntry.objects.filter(action="imdi.grant.letter_sent").count() == 1
    sent = OutboxMessage.objects.filter(key__startswith=f"letter:{letter.pk}:")
    assert sent.count() == 2
    assert f"/tilskudd/{grant.pk}/" in sent.first().body


def test_a_letter_lost_on_the_way_is_found_by_the_sweeper(
    offer, signatory, caseworker, django_capture_on_commit_callbacks
):
    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down
        letter = reception.offer_grant(offer=offer, by=caseworker)
    type(letter).objects.filter(pk=letter.pk).update(
        created_at=letter.created_at - dt.timedelta(minutes=10)
    )
    assert services.letters_sweep() == 1
    # The sweeper enqueues the delivery again; deliver as the worker would.
    services.grant_letter_send(letter_id=letter.pk)
    services.grant_letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.rendered_at and letter.sent_on
    assert services.letters_sweep() == 0


def test_a_returned_report_is_e_mailed_with_the_comment(accepted_grant, applicant, caseworker):
    report = accepted_grant.reports.filter(kind="half_year").first()
    reports.report_save(
        report=report,
        by=applicant,
        fields={"participants": 12, "income": 1, "expenses": 1},
        activities={
            c: (10, "Undervisning") for c in ("norwegian", "social_studies", "competence_mapping")
        },
    )
    reports.report_submit(report=report, by=applicant)
    reports.report_review(report=report, by=caseworker, approve=False, comment="Mangler regnskap")
    returned = OutboxMessage.objects.filter(key__startswith=f"report-returned:{report.pk}:")
    assert returned.count() == accepted_grant.organisation.memberships.count()
    assert "Mangler regnskap" in returned.first().body
    messages_sweep()
    assert any("Mangler regnskap" in m.body for m in mail.outbox)


def test_an_unsent_reopening_letter_does_not_lapse(issued_grant, caseworker, time_machine):
    time_machine.move_to(dt.datetime(2024, 2, 20, 10, tzinfo=OSLO))
    services.grants_lapse_overdue()
    letter = services.grant_reopen(grant=issued_grant, by=caseworker, reason="Syk")
    time_machine.move_to(dt.datetime(2024, 6, 1, 10, tzinfo=OSLO))
    services.grants_lapse_overdue()
    letter.refresh_from_db()
    issued_grant.refresh_from_db()
    assert letter.status == LetterStatus.AWAITING
    assert issued_grant.status == GrantStatus.LETTER_ISSUED


def test_no_acceptance_deadline_runs_while_the_pdf_cannot_be_made(
    offer, signatory, caseworker, settings, tmp_path
):
    """Issue 12: a letter is sent and rendered together; a full disk (here: a media folder that
    cannot be written) leaves it unsent, with no deadline and no e-mail, until a retry works."""
    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    letter = reception.offer_grant(offer=offer, by=caseworker)
    blocked = tmp_path / "media"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    with pytest.raises(OSError):
        services.grant_letter_deliver(letter_id=letter.pk)
    letter.refresh_from_db()
    assert (letter.sent_on, letter.acceptance_deadline, letter.rendered_at) == (None, None, None)
    assert not OutboxMessage.objects.filter(key__startswith=f"letter:{letter.pk}:").exists()
    assert services.grants_lapse_overdue(at=dt.datetime(2030, 1, 1, tzinfo=OSLO)) == 0

    settings.MEDIA_ROOT = tmp_path / "media-ok"
    services.grant_letter_deliver(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.sent_on and letter.acceptance_deadline and letter.rendered_at
    assert OutboxMessage.objects.filter(key__startswith=f"letter:{letter.pk}:").exists()
