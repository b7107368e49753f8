"""An e-mail address a user adds logs in only once it is confirmed (issue 12, OWASP ASVS L2); the
address an administrator gave keeps working, and an unconfirmed address gets no reset link."""

from __future__ import annotations

import importlib
import re

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import translation

from imdi_grants.accounts.models import User
from imdi_grants.audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ADDED = "added.address@example.no"
UNCONFIRMED = (
    "This e-mail address is not confirmed yet, so you cannot log in with it. Follow the link in "
    "the e-mail we sent to the address, then log in again, or log in with your primary address."
)


def _login(client, email, password=PASSWORD, **kwargs):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **kwargs)


def _logged_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def _logout(client) -> None:
    client.post(reverse("account_logout"))
    assert _logged_in_as(client) is None


def _add_address(client, user, email=ADDED) -> None:
    """Log in with the primary address and add ``email`` on allauth's e-mail page."""
    assert _login(client, user.email)["Location"] == reverse("home")
    mail.outbox.clear()
    response = client.post(reverse("account_email"), {"action_add": "", "email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert EmailAddress.objects.get(user=user, email=email).verified is False
    _logout(client)


def _confirmation_link(email: str) -> str:
    sent = [m for m in mail.outbox if m.to == [email]]
    assert sent, f"no e-mail to {email}: {[m.to for m in mail.outbox]}"
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", sent[-1].body)
    assert match, sent[-1].body
    return match.group(1)


def test_an_added_address_logs_in_only_once_confirmed(client, applicant):
    _add_address(client, applicant)
    link = _confirmation_link(ADDED)  # allauth sent it when the address was added

    response = _login(client, ADDED, follow=True)
    assert _logged_in_as(client) is None
    assert response.redirect_chain[-1][0] == reverse("account_login")
    with translation.override("nb"):
        assert translation.gettext(UNCONFIRMED) in response.content.decode()
    refused = AuditEntry.objects.get(action="imdi.security.login_unconfirmed")
    assert refused.subject == applicant and refused.actor is None

    assert client.get(link).status_code == 200  # the page with the button
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=applicant, email=ADDED).verified is True

    response = _login(client, ADDED)
    assert response["Location"] == reverse("home")
    assert _logged_in_as(client) == str(applicant.pk)


def test_the_primary_address_keeps_working_while_an_added_one_waits(client, applicant):
    _add_address(client, applicant)
    response = _login(client, applicant.email)
    assert response["Location"] == reverse("home")
    assert _logged_in_as(client) == str(applicant.pk)
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_with_an_added_address_says_nothing_about_it(client, applicant):
    """The confirmation message comes only after the right password."""
    _add_address(client, applicant)
    mail.outbox.clear()
    response = _login(client, ADDED, password="wrong password")
    assert response.status_code == 200
    with translation.override("nb"):
        assert translation.gettext(UNCONFIRMED) not in response.content.decode()
    assert _logged_in_as(client) is None
    assert mail.outbox == []


def test_an_unconfirmed_address_gets_no_password_reset_link(client, applicant):
    _add_address(client, applicant)
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": ADDED})
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)

    client.post(reverse("account_reset_password"), {"email": applicant.email})
    assert any("/accounts/password/reset/key/" in m.body for m in mail.outbox)


def test_users_created_by_invitation_and_in_the_admin_have_a_verified_primary_address(
    client, administrator, municipality
):
    from imdi_grants.accounts.services import user_invite

    invited = user_invite(
        organisation=municipality,
        email="invited@example.no",
        role="applicant",
        full_name="Invitert Person",
        by=administrator,
    ).user
    assert EmailAddress.objects.get(user=invited).verified

    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "made.in.admin@example.no",
            "full_name": "Admin Laget",
            "staff_role": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    made = User.objects.get(email="made.in.admin@example.no")
    address = EmailAddress.objects.get(user=made)
    assert address.verified and address.primary


def test_the_migration_verifies_existing_users_own_addresses_only():
    migration = importlib.import_module(
        "imdi_grants.accounts.migrations.0003_primary_email_addresses_verified"
    )
    without_row = User.objects.create_user("old.user@example.no", PASSWORD)
    with_unverified_row = User.objects.create_user("synced@example.no", PASSWORD)
    EmailAddress.objects.create(user=with_unverified_row, email="synced@example.no")
    EmailAddress.objects.create(user=with_unverified_row, email="their.own@example.no")

    migration.primary_addresses_verify(apps, None)

    own = EmailAddress.objects.get(user=without_row)
    assert (own.email, own.verified, own.primary) == ("old.user@example.no", True, True)
    synced = EmailAddress.objects.get(user=with_unverified_row, email="synced@example.no")
    assert synced.verified and synced.primary
    added = EmailAddress.objects.get(user=with_unverified_row, email="their.own@example.no")
    assert not added.verified and not added.primary
