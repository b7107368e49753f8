"""allauth adapters: no open registration, and ID-porten's level of assurance checked here."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Claims that carry the national identity number (fødselsnummer); never stored.
IDENTITY_NUMBER_CLAIMS = ("pid",)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Users come by invitation from an administrator, never by self-registration."""
        return False


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
