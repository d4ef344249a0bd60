"""Events the care core publishes to the channel layer, after commit, carrying ids only.

Group names: ``user.<uuid>`` reaches every open socket of that user; ``workspace.<uuid>`` every
socket following that workspace. Consumers (messaging.consumers) re-check access on
``access.changed`` and close or leave groups the user may no longer see.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id) -> str:
    return f"user.{user_id}"


def workspace_group(workspace_id) -> str:
    return f"workspace.{workspace_id}"


def publish(group: str, event: dict) -> None:
    """Send after the surrounding transaction commits; a layer failure is logged, never raised:
    the database is the source of truth and clients catch up."""

    def _send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, event)
        except Exception:  # noqa: BLE001
            logger.warning("channel layer publish failed for event %s", event.get("type"))

    transaction.on_commit(_send)


def publish_access_changed(*, user_ids: Iterable, workspace_id=None) -> None:
    for user_id in user_ids:
        publish(
            user_group(user_id),
            {"type": "access.changed", "workspace": str(workspace_id) if workspace_id else None},
        )


def publish_workspace_event(*, workspace_id, kind: str, section: str | None, data: dict) -> None:
    """Tell every socket following a workspace that something changed.

    ``kind`` is a dotted name (``goal.step_proposed``); ``section`` is the consent section the
    event belongs to (the live consumer forwards it only to users who may see that section);
    ``data`` carries ids and short codes only, never free text or names.
    """
    publish(
        workspace_group(workspace_id),
        {
            "type": "live.event",
            "kind": kind,
            "workspace": str(workspace_id),
            "section": section,
            "data": data,
        },
    )
