"""Request middleware: the portal's language, two-factor authentication and session limits for
IMDi staff, and no caching of what a logged-in person sees."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


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


SESSION_HAS_TOTP = "_imdi_has_totp"


class StaffTwoFactorMiddleware:
    """IMDi staff must have a TOTP authenticator before they can use the portal.

    allauth asks for the code at login once an authenticator exists; this makes sure one does.
    Demo staff skip the step only in demo mode (``DEMO_MODE``), never in production.
    """

    allowed_prefixes = ("/accounts/", "/i18n/", "/static/")

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

            # Asked once per session: a session that began with a TOTP login keeps it.
            if not request.session.get(SESSION_HAS_TOTP):
                has_totp = Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists()
                if not has_totp:
                    return redirect(reverse("mfa_activate_totp"))
                request.session[SESSION_HAS_TOTP] = True
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page a logged-in person sees and on every download,
    so that neither a shared proxy nor the browser's cache keeps a case, a letter or a bank
    account number after the person has gone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        is_download = isinstance(response, FileResponse) or "attachment" in response.get(
            "Content-Disposition", ""
        )
        if is_download or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


SESSION_STARTED = "_imdi_session_started"
SESSION_SEEN = "_imdi_session_seen"
# The time of the last request is written at most this often, so not every request saves the
# session; the idle limit is exact to within this.
SEEN_RESOLUTION_SECONDS = 60


class StaffSessionTimeoutMiddleware:
    """IMDi staff are logged out after ``STAFF_SESSION_IDLE_SECONDS`` without a request and
    ``STAFF_SESSION_MAX_SECONDS`` after they logged in, whatever they do in between. Municipal
    users keep Django's ``SESSION_COOKIE_AGE``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_imdi_staff:
            now = time.time()
            session = request.session
            started = session.get(SESSION_STARTED)
            seen = session.get(SESSION_SEEN)
            if started is None or seen is None:
                session[SESSION_STARTED] = started = now
                session[SESSION_SEEN] = seen = now
            if (
                now - seen > settings.STAFF_SESSION_IDLE_SECONDS
                or now - started > settings.STAFF_SESSION_MAX_SECONDS
            ):
                from imdi_grants.accounts.adapters import audit_session_expired

                audit_session_expired(request, user)
                logout(request)
                messages.info(request, _("Your session has expired. Log in again."))
                return redirect_to_login(request.get_full_path())
            if now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN] = now
        return self.get_response(request)
