"""Signing out ends the live sockets of that session (QUALITY.md: logout ends open sockets)."""

from __future__ import annotations

from care.events import publish, user_group


def close_sockets_on_logout(sender, request, user, **kwargs):
    from messaging.consumers import session_fingerprint

    session = getattr(request, "session", None)
    fingerprint = session_fingerprint(getattr(session, "session_key", None))
    if user is None or fingerprint is None:
        return
    publish(user_group(user.pk), {"type": "session.ended", "session": fingerprint})
