"""Issue 10: appeals against a dismissal or a reaction, lodged in the portal; none against award
or refusal; a late appeal flagged, not refused; IMDi reverses or forwards to AID."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.appeals import services
from applications.appeals.models import AppealStatus
from applications.assessment import services as assessment
from applications.assessment.models import DecisionLetter
from applications.development.models import Application, Status
from grants import services as grant_services
from imdi_grants.lib.workflow import DomainError
from tests.assessment.conftest import declare, scored

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def dismissed(submitted, assessor_a):
    declare(submitted, assessor_a)
    decision = assessment.application_dismiss(
        application=submitted, by=assessor_a, grounds="For få deltakere.", rules_applied="Vilkår"
    )
    assessment.decision_letter_send(letter_id=decision.letter.pk, on=dt.date(2025, 3, 4))
    DecisionLetter.objects.filter(pk=decision.letter.pk).update(opened_on=dt.date(2025, 3, 5))
    decision.refresh_from_db()
    return decision


def test_an_appeal_against_a_dismissal_is_lodged_forwarded_and_decided(
    dismissed, signatory, applicant, assessor_a
):
    with pytest.raises(DomainError) as exc:
        services.appeal_lodge(by=applicant, text="Vi klager.", decision=dismissed)
    assert exc.value.code == "forbidden", "a signatory lodges the organisation's appeal"
    appeal = services.appeal_lodge(
        by=signatory,
        text="Vi har tolv deltakere; se vedlagt liste.",
        decision=dismissed,
        files=[SimpleUploadedFile("deltakere.pdf", PDF)],
        today=dt.date(2025, 3, 20),
    )
    assert (appeal.received_on, appeal.deadline, appeal.is_late) == (
        dt.date(2025, 3, 5),
        dt.date(2025, 3, 26),
        False,
    )
    assert appeal.attachments.get().content_type == "application/pdf"
    with pytest.raises(DomainError):
        services.appeal_lodge(by=signatory, text="Igjen.", decision=dismissed)
    services.appeal_forward(
        appeal=appeal, by=assessor_a, preparation="IMDi holder fast.", on=dt.date(2025, 4, 1)
    )
    services.appeal_aid_decided(
        appeal=appeal, by=assessor_a, outcome="upheld", decided_on=dt.date(2025, 5, 2)
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DECIDED
    assert Application.objects.get(pk=dismissed.case.pk).status == Status.DISMISSED


def test_a_late_appeal_is_flagged_not_refused(dismissed, signatory):
    appeal = services.appeal_lodge(
        by=signatory, text="Sent, men viktig.", decision=dismissed, today=dt.date(2025, 3, 27)
    )
    assert appeal.is_late and appeal.status == AppealStatus.LODGED


def test_an_unopened_letter_counts_as_received_a_week_after_sending(dismissed, signatory):
    DecisionLetter.objects.filter(pk=dismissed.letter.pk).update(opened_on=None)
    dismissed.letter.refresh_from_db()
    appeal = services.appeal_lodge(
        by=signatory, text="Klage.", decision=dismissed, today=dt.date(2025, 3, 12)
    )
    assert appeal.received_on == dt.date(2025, 3, 11)
    assert appeal.deadline == dt.date(2025, 4, 1)


def test_an_appeal_before_the_assumed_delivery_day_shows_the_letter_had_arrived(
    dismissed, signatory
):
    DecisionLetter.objects.filter(pk=dismissed.letter.pk).update(opened_on=None)
    dismissed.letter.refresh_from_db()
    appeal = services.appeal_lodge(
        by=signatory, text="Klage.", decision=dismissed, today=dt.date(2025, 3, 6)
    )
    assert appeal.received_on == dt.date(2025, 3, 6), "not the assumed 11 March"
    assert appeal.deadline == dt.date(2025, 3, 27)


def test_imdi_reverses_a_dismissal_and_the_case_goes_back_to_assessment(
    dismissed, signatory, assessor_a, lead, assessor_b
):
    appeal = services.appeal_lodge(by=signatory, text="Feil.", decision=dismissed)
    services.appeal_reverse(appeal=appeal, by=assessor_a, grounds="Deltakerlisten viser tolv.")
    application = Application.objects.get(pk=dismissed.case.pk)
    assert application.status == Status.IN_ASSESSMENT
    assert getattr(application, "decision", None) is None
    dismissed.refresh_from_db()
    assert dismissed.reversed_from == application and dismissed.letter is not None
    declare(application, lead, assessor_b)
    assessment.assessors_assign(
        applications=[application], assessors=[assessor_a, assessor_b], by=lead, per_application=2
    )
    application = scored(application, lead, assessor_a, assessor_b)
    decision = assessment.application_award(
        application=application, by=lead, amount=Decimal(100000)
    )
    assert decision.application == application


def test_award_and_refusal_cannot_be_appealed_and_the_page_says_why(
    client, in_assessment, lead, signatory
):
    decision = assessment.application_refuse(application=in_assessment, by=lead, grounds="Lav.")
    with pytest.raises(DomainError, match="3 første ledd og 28"):
        services.appeal_lodge(by=signatory, text="Klage.", decision=decision)
    client.force_login(signatory)
    page = client.get(reverse("appeals:create"), {"vedtak": decision.pk}).content.decode()
    assert 'data-testid="not-appealable"' in page and "3 første ledd og 28" in page


def test_a_reversed_withholding_gives_the_terms_back(
    client, accepted_grant, caseworker, administrator, signatory, settings, tmp_path
):
    from applications.appeals.services import appeal_target

    settings.MEDIA_ROOT = tmp_path
    accepted_grant.scheme_year.budget_authority_name = "Hanne Hansen"
    accepted_grant.scheme_year.save(update_fields=["budget_authority_name"])
    reaction = grant_services.reaction_propose(
        grant=accepted_grant,
        kind="withholding",
        amount=Decimal(1000),
        grounds="Brudd.",
        by=caseworker,
    )
    grant_services.reaction_decide(reaction=reaction, by=administrator, approve=True)
    grant_services.reaction_letter_send(reaction_id=reaction.pk, on=dt.date(2024, 6, 3))
    reaction.refresh_from_db()
    with pytest.raises(DomainError, match=r"enkeltvedtak|individual decision"):
        appeal_target(None, reaction)  # the reception grant: no appeal
    grant_services.reaction_reverse(reaction=reaction, by=caseworker, reason="Klagen førte frem")
    assert accepted_grant.payments.get().withheld == 0


def test_outsiders_and_conflicted_staff_do_not_see_an_appeal(
    client, dismissed, signatory, outsider, caseworker
):
    appeal = services.appeal_lodge(by=signatory, text="Klage.", decision=dismissed)
    url = reverse("appeals:detail", args=[appeal.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert "Klage." not in client.get(reverse("appeals:list")).content.decode()
    declare(dismissed.case, caseworker, conflict=True)
    client.force_login(caseworker)
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("appeals:reverse", args=[appeal.pk]), {"grounds": "x"}).status_code
        == 404
    )
    client.force_login(signatory)
    assert client.get(url).status_code == 200


def test_an_appeal_is_lodged_forwarded_and_decided_through_the_pages(
    client, dismissed, signatory, assessor_a
):
    url = reverse("appeals:create") + f"?vedtak={dismissed.pk}"
    client.force_login(signatory)
    listing = client.get(reverse("appeals:list")).content.decode()
    assert f"?vedtak={dismissed.pk}" in listing, "the dismissal is offered for appeal"
    page = client.get(url).content.decode()
    assert "26. mars 2025" in page, "the deadline is shown before lodging"
    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    response = client.post(
        url,
        {"text": "Vi har tolv deltakere.", "files": SimpleUploadedFile("liste.pdf", PDF)},
    )
    assert response.status_code == 302
    appeal = dismissed.appeals.get()
    assert appeal.attachments.count() == 1
    client.force_login(assessor_a)
    detail = reverse("appeals:detail", args=[appeal.pk])
    assert "Vi har tolv deltakere." in client.get(detail).content.decode()
    client.post(
        reverse("appeals:forward", args=[appeal.pk]),
        {"preparation": "IMDi holder fast ved avvisningen.", "forwarded_on": "2025-04-01"},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED
    client.post(
        reverse("appeals:outcome", args=[appeal.pk]),
        {"outcome": "upheld", "decided_on": "2025-05-02", "note": "AID opprettholder."},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DECIDED and appeal.aid_outcome == "upheld"
    client.force_login(signatory)
    page = client.get(detail).content.decode()
    assert "AID opprettholder." in page
    assert reverse("appeals:outcome", args=[appeal.pk]) not in page, "no handling for them"


def test_the_appeals_list_exports_as_filtered(client, dismissed, signatory, assessor_a):
    """Issue 11: every list leaves the portal exactly as filtered."""
    import csv
    import io

    services.appeal_lodge(by=signatory, text="Klage.", decision=dismissed)
    client.force_login(assessor_a)
    url = reverse("appeals:list")
    body = client.get(url, {"format": "csv"}).content.decode()
    assert len(list(csv.DictReader(io.StringIO(body), delimiter=";"))) == 1
    body = client.get(url, {"format": "csv", "status": "decided"}).content.decode()
    assert list(csv.DictReader(io.StringIO(body), delimiter=";")) == []
