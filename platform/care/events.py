"""Events the care core publishes to the channel layer, after commit, carrying ids only.

Every event goes to an explicit audience, computed when it is published: the group
``user.<uuid>`` of each person who may see it reaches every open socket of theirs. There is no
broad per-workspace group for consumers to filter. Consumers (messaging.consumers) still re-check
a workspace event against the database before forwarding it (access may have ended between the
publish and the delivery), and re-compute what they follow on ``access.changed``.
"""

from __future__ import annotations

import logging

from django.db import transaction

from records.events import send_now, user_group

logger = logging.getLogger(__name__)


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
        send_now([user_group(user_id) for user_id in audience], event)

    transaction.on_commit(_send)
