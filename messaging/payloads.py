"""The JSON shape of a message, shared by the live socket and the API (see docs/live-protocol.md).

These are sent only to a user already authorized for the thread; channel-layer events never
carry them (the layer carries ids and sequence numbers only).
"""

from __future__ import annotations

from messaging.models import Message

PROTOCOL_VERSION = 1


def message_payload(message: Message) -> dict:
    sender = message.sender
    return {
        "id": str(message.pk),
        "thread": str(message.thread_id),
        "sequence": message.sequence,
        "client_id": str(message.client_id),
        "sender": str(sender.pk) if sender else None,
        "sender_name": sender.full_name if sender else "",
        "body": "" if message.is_removed else message.body,
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "removed": message.is_removed,
    }
