"""Events the care core publishes to the channel layer, after commit, carrying ids only.

Group names: ``user.<uuid>`` reaches every open socket of that user; ``workspace.<uuid>`` every
socket following that workspace. Consumers (messaging.consumers) re-check access on
``access.changed`` and close or leave groups the user may no longer see.
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


def workspace_group(workspace_id) -> str:
    return f"workspace.{workspace_id}"


def publish(group: str, event: dict) -> None:
    """Send after the surrounding transaction commits; a layer failure is logged, never raised:
    the database is the source of truth and clients catch up."""
    publish_many([group], event)


def publish_many(groups: Iterable[str], event: dict) -> None:
    """``publish`` to several groups with one hop into the event loop (one ``async_to_sync``
    for all of them, not one per group): a message reaches every participant's group at once."""
    groups = list(dict.fromkeys(groups))

    def _send() -> None:
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

    transaction.on_commit(_send)


def publish_access_changed(*, user_ids: Iterable, workspace_id=None) -> None:
    publish_many(
        (user_group(user_id) for user_id in user_ids),
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
