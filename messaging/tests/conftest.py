"""Fixtures for messaging tests: the team thread of the ``workspace`` fixture and a sender."""

from __future__ import annotations

import uuid

import pytest

from messaging import services


@pytest.fixture
def team_thread(workspace, gp_membership, therapist_membership):
    return services.team_thread_for(workspace=workspace)


@pytest.fixture
def send():
    """send(thread, user, body="...", client_id=None) -> Message"""

    def _send(thread, user, body="Hello", client_id=None):
        message, _created = services.message_send(
            thread=thread, sender=user, body=body, client_id=client_id or uuid.uuid4()
        )
        return message

    return _send


@pytest.fixture
def published(monkeypatch):
    """Every (group, event) messaging publishes through records.events after commit."""
    from records import events

    sent: list[tuple[str, dict]] = []
    original = events.publish_many

    def _capture(groups, event):
        groups = list(groups)
        sent.extend((group, event) for group in groups)
        original(groups, event)

    monkeypatch.setattr("messaging.services.publish_many", _capture)
    return sent
