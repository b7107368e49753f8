"""Logging in: the demo accounts, and the two-factor step for IMDi staff."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.management import call_command
from django.urls import reverse

from imdi_grants.accounts.services import organisations_load
from imdi_grants.demo.users import DEMO_PASSWORD, DEMO_USERS
from tests.factories import PASSWORD, CaseworkerFactory


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    organisations_load()
    call_command("seed_schemes", verbosity=0)
    call_command("load_demo", verbosity=0)


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.parametrize("email", [row[0] for row in DEMO_USERS])
def test_each_demo_account_can_log_in(client, demo, email):
    response = _login(client, email, DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_demo_data_loads_twice_without_change(demo):
    from imdi_grants.accounts.models import Membership, User
    from schemes.models import SchemeYear

    counts = (User.objects.count(), Membership.objects.count(), SchemeYear.objects.count())
    call_command("load_demo", verbosity=0)
    assert (User.objects.count(), Membership.objects.count(), SchemeYear.objects.count()) == counts


def test_demo_data_is_refused_outside_demo_mode(db, settings):
    from django.core.management.base import CommandError

    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)


def test_the_applicant_sees_drammens_start_page(client, demo):
    _login(client, "applicant@drammen.example", DEMO_PASSWORD)
    body = client.get(reverse("home")).content.decode()
    assert "Drammen kommune" in body


def test_a_wrong_password_is_refused(client, applicant):
    response = _login(client, applicant.email, "wrong password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_are_rate_limited(client, applicant):
    for _ in range(5):
        _login(client, applicant.email, "wrong password")
    response = _login(client, applicant.email, PASSWORD)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_self_registration_is_closed(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.no", "password1": "a long pass 123", "password2": "a long pass 123"},
    )
    from imdi_grants.accounts.models import User

    assert not User.objects.filter(email="new@example.no").exists()
    assert response.status_code == 200


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_with_totp_are_asked_for_a_code(client, db, settings):
    caseworker = CaseworkerFactory()
    settings.DEMO_MODE = False
    secret = generate_totp_secret()
    TOTP.activate(caseworker, secret)
    response = _login(client, caseworker.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(caseworker.pk)
    assert client.get(reverse("home")).status_code == 200


def test_staff_without_totp_must_set_it_up_first(client, db, settings):
    caseworker = CaseworkerFactory()
    settings.DEMO_MODE = False
    _login(client, caseworker.email, PASSWORD)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("accounts:organisation_list")).status_code == 302


def test_demo_staff_skip_two_factor_only_in_demo_mode(client, db, settings):
    caseworker = CaseworkerFactory()
    settings.DEMO_MODE = True
    _login(client, caseworker.email, PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_municipal_staff_may_use_the_portal_without_totp(client, applicant, settings):
    settings.DEMO_MODE = False
    _login(client, applicant.email, PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_the_totp_check_is_asked_once_a_session_and_again_after_removal(client, caseworker):
    """Staff pages asked the database for a TOTP authenticator on every request."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.signals import authenticator_removed
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from imdi_grants.middleware import SESSION_HAS_TOTP

    client.force_login(caseworker)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not any("mfa_authenticator" in q["sql"] for q in queries.captured_queries)
    assert client.session[SESSION_HAS_TOTP] is True
    # Removed (allauth's signal): the flag goes, and without a TOTP the next page sends
    # the caseworker to set one up.
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    authenticator_removed.send(sender=Authenticator, request=request, user=caseworker)
    session.save()
    Authenticator.objects.filter(user=caseworker).delete()
    response = client.get("/")
    assert response.status_code == 302 and "totp" in response["Location"]
