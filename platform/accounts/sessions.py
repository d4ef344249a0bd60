"""A person's signed-in sessions: finding and ending them, and the fingerprint that names a
session on the channel layer (never the key itself)."""

from __future__ import annotations

import hashlib
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def session_fingerprint(session_key: str | None) -> str | None:
    """A one-way fingerprint of a session key, so the layer never carries the key itself."""
    if not session_key:
        return None
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def session_keys_of(user) -> list[str]:
    """The keys of the person's unexpired sessions.

    Sessions are stored in the database (the default engine, or ``cached_db``) and are signed
    blobs, so each unexpired one is decoded once. This runs only on rare account events
    (password change or reset, deactivation), never on a request path."""
    user_id = str(user.pk)
    return [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]


def sessions_end(*, user, keep_session_key: str | None = None) -> int:
    """Delete every session of the person except ``keep_session_key``; returns how many.
    Deleting through the engine's store also clears a cached copy (``cached_db``)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for key in session_keys_of(user):
        if key != keep_session_key:
            store(session_key=key).delete()
            ended += 1
    return ended
