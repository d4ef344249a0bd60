"""The JSON shape of a message, shared by the live socket and the API (see docs/live-protocol.md).

These are sent only to a user already authorized for the thread; channel-layer events never
carry them (the layer carries ids and sequence numbers only).
"""

from __future__ import annotations

from django.urls import reverse

from messaging.models import Attachment, Message

PROTOCOL_VERSION = 1


def attachment_payload(attachment: Attachment, *, thread_id) -> dict:
    return {
        "id": str(attachment.pk),
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": reverse(
            "api:message-attachment",
            kwargs={"thread_id": thread_id, "attachment_id": attachment.pk},
        ),
    }


def message_payload(message: Message) -> dict:
    """Requires the message's ``attachments`` to be prefetched where many messages are built
    (``selectors.messages_for_thread`` does); otherwise it costs one query."""
    sender = message.sender
    attachments = [] if message.is_removed else list(message.attachments.all())
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
        "attachments": [attachment_payload(a, thread_id=message.thread_id) for a in attachments],
    }
