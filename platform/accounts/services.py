"""Writes on accounts. Every function is atomic and keyword-only."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.sessions import session_fingerprint, sessions_end
from records.events import publish, publish_access_changed, user_group
from records.services import audit


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    full_name: str,
    timezone: str,
    language: str,
    message_notifications: bool | None = None,
) -> User:
    """Save the person's own details; ``message_notifications`` None leaves it unchanged."""
    user.full_name = full_name
    user.timezone = timezone
    user.language = language
    fields = ["full_name", "timezone", "language", "updated_at"]
    if message_notifications is not None:
        user.message_notifications = message_notifications
        fields.append("message_notifications")
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    return user


def user_language_set(*, user: User, language: str) -> User:
    """The person's own choice of language (the switcher; the account page saves it too)."""
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language", "updated_at"])
    return user


def _close_other_sockets(*, user: User, keep_session_key: str | None) -> None:
    """After commit, every open live socket of the person closes: those of other sessions as
    signed out; those of the kept session (whose key the caller then renews) are told to
    reconnect with the renewed one. The event names the kept session by its fingerprint only."""

    publish(
        user_group(user.pk),
        {"type": "sessions.ended", "keep": session_fingerprint(keep_session_key)},
    )


def _revoke_api_keys(*, user: User) -> int:
    from knox.models import AuthToken

    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def user_password_change(*, user: User, password: str, keep_session_key: str | None) -> User:
    """The person changed their own password (they gave the old one) in the session
    ``keep_session_key``: every other session ends and its sockets close; this one survives (the
    caller renews its key and auth hash with ``update_session_auth_hash``). Their API keys are
    deleted too: a key does not say which session made it, and one made from a stolen session
    must not outlive the change; the person makes new ones on the API keys page."""
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    ended = sessions_end(user=user, keep_session_key=keep_session_key)
    _close_other_sockets(user=user, keep_session_key=keep_session_key)
    keys = _revoke_api_keys(user=user)
    audit(
        action="accounts.password.changed",
        actor=user,
        sessions_ended=ended,
        api_keys_revoked=keys,
    )
    return user


@transaction.atomic
def user_password_reset(*, user: User, password: str | None, by: User | None = None) -> User:
    """A new password set without the old one: by the person through the e-mailed link, or by
    an administrator (``by``; ``password`` None makes it unusable). Whoever held the account may
    be someone else, so every session ends, every socket closes and every API key is deleted."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    ended = sessions_end(user=user)
    _close_other_sockets(user=user, keep_session_key=None)
    keys = _revoke_api_keys(user=user)
    audit(
        action="accounts.password.reset",
        actor=by or user,
        user=str(user.pk),
        sessions_ended=ended,
        api_keys_revoked=keys,
    )
    return user


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None) -> User:
    """Deactivate an account: every session and API key is deleted (so reactivating it later
    revives neither) and its open sockets are closed by the care layer's access events."""

    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])
    ended = sessions_end(user=user)
    keys = _revoke_api_keys(user=user)
    publish_access_changed(user_ids=[user.pk])
    audit(
        action="accounts.user.deactivated",
        actor=by,
        user=str(user.pk),
        sessions_ended=ended,
        api_keys_revoked=keys,
    )
    return user
