"""The session engine (``SESSION_ENGINE = "accounts.session_store"``): Django's database
sessions, with the signed-in person's id kept beside each session (``UserSession.user``).

The session row is read together with that person's account (one query, a join), and
``accounts.middleware.AuthenticationMiddleware`` hands the account to Django's ``get_user``
through :func:`reading`, so a signed-in request costs one query for both instead of two. Django
still checks everything it checks: that the session names that account, that the account may
sign in (``is_active``), and the session's hash of the password.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone


class SessionStore(DatabaseStore):
    # The account the session row belongs to, read with it (None until read, or signed out).
    user_row = None

    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def _get_session_from_db(self):
        # Django's own, with the account joined.
        try:
            found = self.model.objects.select_related("user").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None
            return None
        self.user_row = found.user
        return found

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = uuid.UUID(str(data.get(SESSION_KEY)))
        except ValueError:
            instance.user_id = None  # not signed in (or not one of our ids)
        return instance


_reading: ContextVar[SessionStore | None] = ContextVar("accounts_session_reading", default=None)


@contextmanager
def reading(session) -> Iterator[None]:
    """While Django finds the request's user: the session whose account was read with it."""
    token = _reading.set(session)
    try:
        yield
    finally:
        _reading.reset(token)


def account_read_with_session(user_id):
    """The account read with the session being read (:func:`reading`) when it is the one
    ``user_id`` names; None otherwise (then the caller reads it by id, as Django does)."""
    account = getattr(_reading.get(), "user_row", None)
    if account is None or str(account.pk) != str(user_id):
        return None
    return account
