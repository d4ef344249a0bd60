"""A person's signed-in sessions: finding and ending them, and the fingerprint that names a
session on the channel layer (never the key itself)."""

from __future__ import annotations

import hashlib
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import UpdateError
from django.utils import timezone

from accounts.models import UserSession


def session_fingerprint(session_key: str | None) -> str | None:
    """A one-way fingerprint of a session key, so the layer never carries the key itself."""
    if not session_key:
        return None
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def session_keys_of(user) -> list[str]:
    """The keys of the person's unexpired sessions, found by the index the session engine
    keeps (``accounts.session_store``): one query, whatever the number of sessions."""
    return list(
        UserSession.objects.filter(user=user, expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )


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


# Set by ClinicianIdleTimeoutMiddleware on every request of a clinician (epoch seconds).
LAST_SEEN_KEY = "last_seen_at"


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def idle_deadline(session_key: str | None, *, since: float) -> float | None:
    """When the clinician's session falls idle (epoch seconds): the time of their last request
    (or ``since``, when none was recorded) plus ``CLINICIAN_IDLE_TIMEOUT_MINUTES``. None when
    the session is gone or signed out. One read of the session."""
    if not session_key:
        return None
    data = _store(session_key).load()
    if SESSION_KEY not in data:
        return None
    last = data.get(LAST_SEEN_KEY)
    return (
        float(last) if last is not None else since
    ) + settings.CLINICIAN_IDLE_TIMEOUT_MINUTES * 60


def session_touch(session_key: str | None, *, now: float) -> None:
    """Record a real action of the person (e.g. a message sent over the live socket) as
    activity of the session, as a request would. A session that is gone stays gone."""
    if not session_key:
        return
    store = _store(session_key)
    if SESSION_KEY not in store:
        return
    store[LAST_SEEN_KEY] = now
    try:
        store.save()
    except UpdateError:  # signed out in the meantime
        return
