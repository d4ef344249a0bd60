"""Where a page may send someone after it is done: the one check for every user-supplied
``next``. A link can carry any ``next``, and the pages that honour it (sign-in, the second
factor, sign-out) are exactly where a convincing phishing link would want to land a clinician
who has just typed real credentials, so nothing but a path on this site is followed."""

from __future__ import annotations

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request) -> str | None:
    """The request's ``next`` (POST before GET) when it is a path on this site, else None.

    Only a local path is accepted: it starts with one ``/`` and names neither another host nor
    a scheme (``//host``, ``/\\host``, ``https://host``, ``javascript:`` and their encodings are
    all refused by Django's ``url_has_allowed_host_and_scheme``)."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if not candidate or not candidate.startswith("/"):
        return None
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return candidate


def next_or(request, default: str = "home") -> str:
    """The safe ``next`` of the request, or ``default`` (a URL name or path)."""
    return next_url(request) or resolve_url(default)


class SafeNextMixin:
    """For Django's auth views (sign-in, sign-out): their ``next`` goes through ``next_url``."""

    def get_redirect_url(self):
        return next_url(self.request) or ""
