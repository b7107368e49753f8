"""Accounts: long passwords, rate limits per client behind the proxy, staff session limits, and
deactivation that ends every session. (Production's refusal to start without EMAIL_URL or with a
short SECRET_KEY is in tests/test_settings.py.)"""

from __future__ import annotations

import time

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from imdi_grants.accounts.admin import UserAdmin
from imdi_grants.accounts.models import User
from imdi_grants.accounts.services import user_deactivate
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.workflow import DomainError
from imdi_grants.middleware import SESSION_SEEN, SESSION_STARTED
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_password_needs_at_least_12_characters():
    with pytest.raises(ValidationError) as error:
        validate_password("Kx9#mWq2!vL")  # 11 characters, otherwise strong
    assert any(e.code == "password_too_short" for e in error.value.error_list)
    validate_password("Kx9#mWq2!vLz")


def _failed_login(client, email, address):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "wrong password"},
        HTTP_X_FORWARDED_FOR=address,
    )


def _rate_limited(response) -> bool:
    errors = response.context["form"].errors.as_data()
    return any(e.code == "too_many_login_attempts" for field in errors.values() for e in field)


def test_failed_login_limits_count_per_client_behind_the_proxy(client, settings):
    """Behind one proxy every request has the proxy's REMOTE_ADDR; with the proxy counted,
    one client using up its failed logins does not lock out another."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(10):  # "login_failed": 10 a minute per address
        assert not _rate_limited(_failed_login(client, f"nobody{n}@example.no", "203.0.113.7"))
    assert _rate_limited(_failed_login(client, "nobody@example.no", "203.0.113.7"))
    assert not _rate_limited(_failed_login(client, "someone@example.no", "198.51.100.2"))


def _session_times(client, *, started: float, seen: float) -> None:
    session = client.session
    session[SESSION_STARTED] = started
    session[SESSION_SEEN] = seen
    session.save()


def _logged_in(client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 200


def test_staff_are_logged_out_after_30_minutes_idle(client, caseworker):
    client.force_login(caseworker)
    assert _logged_in(client)
    now = time.time()
    _session_times(client, started=now - 60 * 60, seen=now - 29 * 60)
    assert _logged_in(client)
    _session_times(client, started=now - 60 * 60, seen=now - 31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not _logged_in(client)
    entry = AuditEntry.objects.get(action="imdi.security.session_expired")
    assert entry.subject == caseworker


def test_staff_are_logged_out_12_hours_after_login_even_when_active(client, caseworker):
    client.force_login(caseworker)
    now = time.time()
    _session_times(client, started=now - 11.9 * 60 * 60, seen=now - 60)
    assert _logged_in(client)
    _session_times(client, started=now - 12.1 * 60 * 60, seen=now - 60)
    assert not _logged_in(client)


def test_municipal_users_keep_djangos_session_age(client, applicant):
    client.force_login(applicant)
    now = time.time()
    _session_times(client, started=now - 13 * 60 * 60, seen=now - 2 * 60 * 60)
    assert _logged_in(client)


def _sessions_of(user) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def test_deactivating_a_user_ends_their_sessions(client, applicant, administrator):
    client.force_login(applicant)
    assert _logged_in(client)
    assert _sessions_of(applicant) == 1
    user_deactivate(user=applicant, by=administrator)
    assert _sessions_of(applicant) == 0
    # Not even activating the account again brings the old browser back in.
    User.objects.filter(pk=applicant.pk).update(is_active=True)
    assert not _logged_in(client)
    entry = AuditEntry.objects.get(action="imdi.security.user_deactivated")
    assert entry.actor == administrator
    assert entry.data["sessions_ended"] == 1


def test_only_an_administrator_deactivates(applicant, caseworker):
    with pytest.raises(DomainError):
        user_deactivate(user=applicant, by=caseworker)
    applicant.refresh_from_db()
    assert applicant.is_active


class _ChangedActive:
    changed_data = ["is_active"]


def test_unticking_active_in_the_admin_ends_the_sessions(client, applicant, administrator):
    client.force_login(applicant)
    assert _sessions_of(applicant) == 1
    request = RequestFactory().post("/admin/")
    request.user = administrator
    applicant.is_active = False
    UserAdmin(User, site).save_model(request, applicant, _ChangedActive(), change=True)
    applicant.refresh_from_db()
    assert not applicant.is_active
    assert _sessions_of(applicant) == 0
    assert AuditEntry.objects.filter(action="imdi.security.user_deactivated").count() == 1


def test_logging_in_with_a_long_password_still_works(client, applicant):
    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": PASSWORD}
    )
    assert response.status_code == 302
