"""Messaging objects in the authorization world: the owner's team thread with messages that
carry the owner's canary, so a leak to any stranger shows up in the matrix."""

from __future__ import annotations

import uuid

from messaging import services


def extend_world(world) -> None:
    from tests.world import OWNER_CANARY

    thread = services.team_thread_for(workspace=world.workspace)
    owner, gp = world.users["owner"], world.users["gp"]
    message, _created = services.message_send(
        thread=thread,
        sender=owner,
        body=f"How do I pace myself? {OWNER_CANARY}",
        client_id=uuid.uuid4(),
    )
    services.message_send(
        thread=thread, sender=gp, body="Let us look at it together.", client_id=uuid.uuid4()
    )
    services.agreement_set(
        workspace=world.workspace, clinician=gp, reply_within_working_days=2, office_hours="Mon-Fri"
    )
    world.objects["thread"] = thread
    world.objects["message"] = message
