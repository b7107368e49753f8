"""Request middleware: the portal's language, and two-factor authentication for IMDi staff."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation


class PortalLocaleMiddleware:
    """Bokmål unless the person chose another language (cookie set by ``set_language``).

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored: a Norwegian public
    service speaks Bokmål first, and Nynorsk and English only on request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class StaffTwoFactorMiddleware:
    """IMDi staff must have a TOTP authenticator before they can use the portal.

    allauth asks for the code at login once an authenticator exists; this makes sure one does.
    Demo staff skip the step only in demo mode (``DEMO_MODE``), never in production.
    """

    allowed_prefixes = ("/accounts/", "/i18n/", "/static/", "/media/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_imdi_staff
            and not settings.DEMO_MODE
            and not request.path.startswith(self.allowed_prefixes)
        ):
            from allauth.mfa.models import Authenticator

            has_totp = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
            if not has_totp:
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
