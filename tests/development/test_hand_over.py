"""Handing the draft over to a signatory: when the organisation has none, the page says so and
tells the applicant what to do, and the hand-over is refused (nobody could act on it)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.development.models import Application
from applications.development.services import application_hand_over
from imdi_grants.accounts.services import user_invite
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.workflow import DomainError

pytestmark = pytest.mark.django_db

NO_SIGNATORY = "Organisasjonen har ingen signaturberettiget i portalen ennå"
WHAT_TO_DO = "Be IMDi invitere kommunedirektøren (eller fylkeskommunedirektøren)"


def test_without_a_signatory_the_page_says_so_and_what_to_do(client, complete, applicant):
    client.force_login(applicant)
    url = reverse("development:submit", args=[complete.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="no-signatory"' in page
    assert "Organisasjonen din har ingen signaturberettiget i portalen" in page
    assert "be IMDi invitere kommunedirektøren" in page
    assert 'value="hand_over"' not in page  # nothing to hand over to

    response = client.post(url, {"action": "hand_over"})  # a stale page, or a second tab
    assert response.status_code == 400
    page = response.content.decode()
    assert "Søknaden ble ikke overlevert" in page
    assert NO_SIGNATORY in page and WHAT_TO_DO in page
    assert Application.objects.get(pk=complete.pk).handed_over_at is None
    assert not AuditEntry.objects.filter(action="imdi.application.handed_over").exists()


def test_the_service_refuses_without_a_signatory(complete, applicant):
    with pytest.raises(DomainError) as exc:
        application_hand_over(application=complete, by=applicant)
    assert str(exc.value).startswith(NO_SIGNATORY)


def test_once_a_caseworker_invites_a_signatory_the_applicant_hands_over(
    client, complete, applicant, caseworker, municipality
):
    user_invite(
        organisation=municipality,
        email="direktor@drammen.example",
        role="signatory",
        full_name="Dir Ektør",
        by=caseworker,
    )
    client.force_login(applicant)
    url = reverse("development:submit", args=[complete.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="no-signatory"' not in page
    response = client.post(url, {"action": "hand_over"})
    assert response.status_code == 302
    assert Application.objects.get(pk=complete.pk).handed_over_at is not None


def test_the_signatory_is_e_mailed_a_link_when_the_draft_is_handed_over(
    complete, applicant, signatory
):
    """Issue 8, telling people: the hand-over reaches the signatory, in the organisation's
    written standard, with a link to the page where they approve and submit."""
    from imdi_grants.outbox.models import OutboxMessage

    application_hand_over(application=complete, by=applicant)
    [message] = OutboxMessage.objects.filter(key__startswith=f"handed-over:{complete.pk}:")
    assert message.to == signatory.email
    assert reverse("development:submit", args=[complete.pk]) in message.body


def test_the_signatory_sees_the_handed_over_application_on_the_start_page(
    client, complete, applicant, signatory
):
    application_hand_over(application=complete, by=applicant)
    client.force_login(signatory)
    page = client.get(reverse("home")).content.decode()
    assert reverse("development:submit", args=[complete.pk]) in page
    client.force_login(applicant)
    page = client.get(reverse("home")).content.decode()
    assert reverse("development:submit", args=[complete.pk]) not in page
