"""The session engine (``SESSION_ENGINE = "accounts.session_store"``): Django's database
sessions, with the signed-in person's id kept beside each session (``UserSession.user``)."""

from __future__ import annotations

import uuid

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = uuid.UUID(str(data.get(SESSION_KEY)))
        except ValueError:
            instance.user_id = None  # not signed in (or not one of our ids)
        return instance
