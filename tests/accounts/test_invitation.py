"""Inviting a user: the e-mail is sent once, by a real Celery worker, in the målform."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.urls import reverse

from imdi_grants.accounts.models import Invitation, Membership, User
from imdi_grants.accounts.services import invitation_send, user_invite


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
def test_an_administrator_invites_and_the_worker_sends_the_email(
    celery_worker_on_redis, client, administrator, municipality
):
    municipality.written_standard = "nn"
    municipality.save()
    client.force_login(administrator)
    response = client.post(
        reverse("accounts:organisation_invite", args=[municipality.pk]),
        {"email": "Ny.Person@Drammen.example", "full_name": "Ny Person", "role": "signatory"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert _wait_for(lambda: Invitation.objects.get(pk=invitation.pk).sent_at is not None)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.person@drammen.example"]
    # Nynorsk, as the municipality chose.
    assert "tilgang" in message.body and "ikkje" in message.body
    assert "/accounts/password/reset/key/" in message.body
    user = User.objects.get(email="ny.person@drammen.example")
    assert Membership.objects.get(user=user, organisation=municipality).role == "signatory"

    # A redelivered task sends nothing more.
    assert invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_link_lets_the_invitee_set_a_password_once(client, administrator, municipality):
    # Eager tasks are off in tests, so send directly, as the worker would.
    invitation = user_invite(
        organisation=municipality,
        email="ny@drammen.example",
        role="applicant",
        full_name="Ny",
        by=administrator,
    )
    invitation_send(invitation_id=invitation.pk)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line)
    path = link.split("127.0.0.1:8000", 1)[1].strip()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "et langt passord 2026", "password2": "et langt passord 2026"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="ny@drammen.example")
    assert user.check_password("et langt passord 2026")
    # The same link does not work again.
    response = client.get(path, follow=True)
    assert "password1" not in response.content.decode()


@pytest.mark.django_db
def test_only_an_administrator_may_invite(client, signatory, municipality):
    client.force_login(signatory)
    response = client.post(
        reverse("accounts:organisation_invite", args=[municipality.pk]),
        {"email": "x@example.no", "full_name": "X", "role": "signatory"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_caseworker_invites_a_signatory_and_it_is_audited(client, caseworker, municipality):
    """An organisation without a signatory can submit nothing; a caseworker can invite one."""
    from imdi_grants.audit.models import AuditEntry

    client.force_login(caseworker)
    detail = client.get(reverse("accounts:organisation_detail", args=[municipality.pk]))
    page = detail.content.decode()
    assert 'data-testid="no-signatory"' in page
    invite = reverse("accounts:organisation_invite", args=[municipality.pk])
    assert f"{invite}?role=signatory" in page
    form = client.get(f"{invite}?role=signatory").content.decode()
    assert 'value="signatory"' in form and 'value="applicant"' not in form

    response = client.post(
        invite, {"email": "Direktor@Drammen.example", "full_name": "Dir Ektør", "role": "signatory"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="direktor@drammen.example")
    assert Membership.objects.get(user=user, organisation=municipality).role == "signatory"
    entry = AuditEntry.objects.get(action="imdi.invitation.created")
    assert entry.actor == caseworker
    assert entry.data == {"email": "direktor@drammen.example", "role": "signatory"}
    page = client.get(reverse("accounts:organisation_detail", args=[municipality.pk]))
    assert 'data-testid="no-signatory"' not in page.content.decode()


@pytest.mark.django_db
def test_a_caseworker_invites_no_applicants(client, caseworker, municipality):
    client.force_login(caseworker)
    response = client.post(
        reverse("accounts:organisation_invite", args=[municipality.pk]),
        {"email": "x@drammen.example", "full_name": "X", "role": "applicant"},
    )
    assert response.status_code == 200  # the form offers only "signatory"
    assert not Invitation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("caseworker", "applicant"),
        ("signatory", "signatory"),
        ("applicant", "signatory"),
        (None, "signatory"),
    ],
)
def test_the_service_checks_its_own_actor(request, municipality, persona, role):
    from imdi_grants.audit.models import AuditEntry
    from imdi_grants.lib.workflow import DomainError

    by = request.getfixturevalue(persona) if persona else None
    with pytest.raises(DomainError) as exc:
        user_invite(
            organisation=municipality, email="y@drammen.example", role=role, full_name="Y", by=by
        )
    assert exc.value.code == "forbidden"
    assert not Invitation.objects.exists()
    assert not AuditEntry.objects.filter(action="imdi.invitation.created").exists()
