"""Live events: small notes published to the channel layer after commit, carrying ids only.

The database is the source of truth; an event only tells a client to look again. Every event goes
to an explicit audience: the group ``user.<uuid>`` of each person who may see it reaches every
open socket of theirs. A layer failure is logged and never raised (clients catch up).
Workspace events, whose audience follows the patient's consent, are published by
``care.events.publish_workspace_event`` on top of these calls.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id) -> str:
    return f"user.{user_id}"


def publish(group: str, event: dict) -> None:
    """Send after the surrounding transaction commits; a layer failure is logged, never raised:
    the database is the source of truth and clients catch up."""
    publish_many([group], event)


def publish_many(groups: Iterable[str], event: dict) -> None:
    """``publish`` to several groups with one hop into the event loop (one ``async_to_sync``
    for all of them, not one per group): a message reaches every participant's group at once."""
    groups = list(dict.fromkeys(groups))
    transaction.on_commit(lambda: send_now(groups, event))


def send_now(groups: list[str], event: dict) -> None:
    layer = get_channel_layer()
    if layer is None or not groups:
        return

    async def _all() -> int:
        results = await asyncio.gather(
            *(layer.group_send(group, event) for group in groups), return_exceptions=True
        )
        return sum(isinstance(result, BaseException) for result in results)

    try:
        failed = async_to_sync(_all)()
    except Exception:  # noqa: BLE001
        failed = len(groups)
    if failed:
        logger.warning(
            "channel layer publish failed for event %s (%d of %d groups)",
            event.get("type"),
            failed,
            len(groups),
        )


def publish_access_changed(*, user_ids: Iterable, workspace_id=None) -> None:
    publish_many(
        (user_group(user_id) for user_id in user_ids),
        {"type": "access.changed", "workspace": str(workspace_id) if workspace_id else None},
    )


def publish_broadcast(groups: Iterable[str], kind: str, data: dict) -> None:
    """An event for everyone in ``groups`` (an audience an app keeps itself, such as the
    forum's members: see ``live_groups`` in docs/live-protocol.md), after commit. ``data``
    carries ids and short codes only, never a name."""
    publish_many(groups, {"type": "live.broadcast", "kind": kind, "data": data})
