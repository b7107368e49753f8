"""allauth adapters: no open registration, ID-porten's level of assurance checked here, and
logins, failed logins and logouts in the audit trail."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Claims that carry the national identity number (fødselsnummer); never stored.
IDENTITY_NUMBER_CLAIMS = ("pid",)


def _client_ip(request: HttpRequest) -> str:
    """The client's address as the rate limits see it (``ALLAUTH_TRUSTED_PROXY_COUNT``)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # an address that cannot be determined must not stop a login
        return ""


def _audit_account_event(
    request: HttpRequest,
    *,
    action: str,
    account: Any | None,
    actor: Any | None,
    email: str = "",
) -> None:
    """One audit entry about an account: the time (UTC, as every entry), the client's address
    and, for a failed login, the e-mail address tried. Never a password."""
    from imdi_grants.audit.services import audit_log

    from .models import User

    data: dict[str, Any] = {"ip": _client_ip(request)}
    if email:
        data["email"] = email
    # An address that belongs to nobody has no account to file the entry under; it goes under
    # the users table itself (the content type of User).
    subject = account if account is not None else ContentType.objects.get_for_model(User)
    audit_log(subject=subject, action=action, actor=actor, data=data)


def audit_session_expired(request: HttpRequest, user: Any) -> None:
    """A staff session ended by its idle or absolute limit (``StaffSessionTimeoutMiddleware``)."""
    _audit_account_event(request, action="imdi.security.session_expired", account=user, actor=None)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Users come by invitation from an administrator, never by self-registration."""
        return False

    def login(self, request: HttpRequest, user: Any) -> None:
        """Every completed login (password, two-factor and ID-porten alike) is audited."""
        super().login(request, user)
        _audit_account_event(request, action="imdi.security.login", account=user, actor=user)

    def logout(self, request: HttpRequest) -> None:
        user = request.user
        if user.is_authenticated:
            _audit_account_event(request, action="imdi.security.logout", account=user, actor=user)
        super().logout(request)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """A wrong password or an unknown address: filed under the account when the address
        has one, by nobody; the address tried is kept, the password never is."""
        from .models import User

        email = str(credentials.get("email") or "")[:254]
        account = User.objects.filter(email__iexact=email).first() if email else None
        _audit_account_event(
            request, action="imdi.security.login_failed", account=account, actor=None, email=email
        )
        super().authentication_failed(request, **credentials)

    def respond_email_verification_sent(
        self, request: HttpRequest, user: Any | None
    ) -> HttpResponseBase:
        """The password was right but the address typed is one the user added and has not
        confirmed (``ACCOUNT_EMAIL_VERIFICATION = "mandatory"``): no login. allauth has sent the
        confirmation e-mail; back on the login page, the person is told why and what to do."""
        if user is None:  # allauth's answer to a sign-up, which is closed here
            return super().respond_email_verification_sent(request, user)
        _audit_account_event(
            request, action="imdi.security.login_unconfirmed", account=user, actor=None
        )
        messages.error(
            request,
            _(
                "This e-mail address is not confirmed yet, so you cannot log in with it. "
                "Follow the link in the e-mail we sent to the address, then log in again, "
                "or log in with your primary address."
            ),
        )
        return redirect("account_login")


def strip_identity_number(extra_data: dict[str, Any]) -> dict[str, Any]:
    """Remove the national identity number from ID-porten's claims, at every level."""
    cleaned: dict[str, Any] = {}
    for key, value in extra_data.items():
        if key in IDENTITY_NUMBER_CLAIMS:
            continue
        cleaned[key] = strip_identity_number(value) if isinstance(value, dict) else value
    return cleaned


def acr_is_sufficient(extra_data: dict[str, Any]) -> bool:
    """Whether the ID token's ``acr`` is one we accept.

    The caller controls ``acr_values`` in the authorisation request and could lower it, so the
    claim in the verified ID token is what counts.
    """
    id_token = extra_data.get("id_token") or {}
    return id_token.get("acr") in settings.IDPORTEN_ACCEPTED_ACR


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """ID-porten logs in people an administrator has invited and who connected it."""
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        account = sociallogin.account
        if account.provider == "idporten" and not acr_is_sufficient(account.extra_data):
            messages.error(
                request,
                _("ID-porten did not confirm a high enough level of security. Log in again."),
            )
            raise ImmediateHttpResponse(redirect("account_login"))
        account.extra_data = strip_identity_number(account.extra_data)
