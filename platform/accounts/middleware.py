"""Clinicians are signed out after a period without requests (shared surgery computers)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_KEY = "last_seen_at"


class ClinicianIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_clinician:
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

    ALLOWED_PREFIXES = ("/accounts/mfa/", "/accounts/logout/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.CLINICIAN_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and user.is_clinician
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
            return redirect(target)
        return self.get_response(request)
