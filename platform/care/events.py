"""Events the care core publishes to the channel layer, after commit, carrying ids only.

Every event goes to an explicit audience, computed when it is published: the group
``user.<uuid>`` of each person who may see it reaches every open socket of theirs. There is no
broad per-workspace group for consumers to filter. Consumers (messaging.consumers) still re-check
a workspace event against the database before forwarding it (access may have ended between the
publish and the delivery), and re-compute what they follow on ``access.changed``.
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
    transaction.on_commit(lambda: _send_now(groups, event))


def _send_now(groups: list[str], event: dict) -> None:
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


def workspace_event_audience(workspace_id, section: str | None) -> list:
    """Who may see an event of ``section`` in this workspace, now: the patient who owns it, and
    each current care-team member with an active account to whom the patient has shared the
    section (every current member when ``section`` is None: safety information is not a
    section). 2 queries."""
    from care.models import CareTeamMembership, Workspace, WorkspaceUserObjectPermission
    from care.policies import membership_current
    from care.sections import Section

    owner = Workspace.objects.filter(pk=workspace_id).values_list("patient_id", flat=True)
    members = CareTeamMembership.objects.filter(
        membership_current(), workspace_id=workspace_id, clinician__is_active=True
    ).values("clinician_id")
    if section:
        shared = WorkspaceUserObjectPermission.objects.filter(
            content_object_id=workspace_id,
            permission__content_type__app_label="care",
            permission__codename=Section(section).codename,
        ).values("user_id")
        members = members.filter(clinician_id__in=shared)
    audience = list(owner.filter(patient__is_active=True))
    audience += [row["clinician_id"] for row in members]
    return list(dict.fromkeys(audience))


def publish_workspace_event(*, workspace_id, kind: str, section: str | None, data: dict) -> None:
    """Tell everyone who may see it that something changed in a workspace.

    ``kind`` is a dotted name (``goal.step_proposed``); ``section`` is the consent section the
    event belongs to (None for safety information, which every current member may see);
    ``data`` carries ids and short codes only, never free text or names. The audience is
    computed after commit, from the committed state: a member whose access ended in the same
    transaction is not told.
    """
    event = {
        "type": "live.event",
        "kind": kind,
        "workspace": str(workspace_id),
        "section": section,
        "data": data,
    }

    def _send() -> None:
        try:
            audience = workspace_event_audience(workspace_id, section)
        except Exception:  # noqa: BLE001 - the change stands; clients catch up
            logger.warning("could not compute the audience of event %s", kind)
            return
        _send_now([user_group(user_id) for user_id in audience], event)

    transaction.on_commit(_send)
