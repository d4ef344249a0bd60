"""Per-request account rules: the signed-in account read with the session; the person's own language
and time zone for pages; clinicians signed out after a period without requests (shared surgery
computers); the clinicians' second factor."""

from __future__ import annotations

import time
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import logout
from django.contrib.auth import middleware as auth_middleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from accounts import session_store
from accounts.languages import language_for_request
from accounts.sessions import LAST_SEEN_KEY as SESSION_KEY


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, except that the signed-in account is the one read with the session row
    (``accounts.session_store``): one query for both on every signed-in request."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def _get_user(request):
    # django.contrib.auth.middleware.get_user, with the session's account at hand.
    if not hasattr(request, "_cached_user"):
        with session_store.reading(request.session):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class LanguageMiddleware:
    """Pages (and API messages) in the person's language, decided in one place
    (``accounts.languages.language_for_request``: account, switcher, browser, organisation).
    Stands where Django's ``LocaleMiddleware`` would, after authentication, which it needs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


class UserTimezoneMiddleware:
    """Pages show times, and reckon "today", in the signed-in person's own time zone (the one
    on their account page, Europe/Copenhagen unless they chose another). The API keeps UTC:
    its datetimes carry their offset, and programs convert them themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            try:
                zone = ZoneInfo(user.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                zone = None  # validated on save; an unknown one falls back to UTC
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ClinicianIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_care_staff:
            now = time.time()
            last = request.session.get(SESSION_KEY)
            limit = settings.CLINICIAN_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - float(last) > limit:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(settings.LOGIN_URL)
            request.session[SESSION_KEY] = now
        return self.get_response(request)


class ClinicianMFAMiddleware:
    """A clinician who has signed in with a password reaches nothing but the second-factor pages
    (and signing out) until a TOTP code is confirmed for this session."""

    ALLOWED_PREFIXES = (
        "/accounts/mfa/",
        "/accounts/logout/",
        "/accounts/language/",
        "/static/",
        "/healthz",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.CLINICIAN_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and user.is_care_staff
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from django_otp import user_has_device

            target = "accounts:mfa_verify" if user_has_device(user) else "accounts:mfa_setup"
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": _("Confirm your second factor (authenticator code) first.")},
                    status=403,
                )
            # The page asked for comes after the code (a GET of a path on this site only; the
            # second-factor page checks it again with accounts.redirects).
            url = reverse(target)
            if request.method == "GET" and request.path != "/":
                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)
