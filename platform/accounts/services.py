"""Writes on accounts. Every function is atomic and keyword-only."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User


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


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Deactivate an account. Its sessions stop working at once (inactive users are not loaded
    from a session) and its open sockets are closed by the care layer's access events."""
    from care.events import publish_access_changed

    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])
    publish_access_changed(user_ids=[user.pk])
    return user
