"""Messaging objects in the authorization world: the owner's team thread with messages that
carry the owner's canary, so a leak to any stranger shows up in the matrix, and a picture
attached to one of them (its file name carries the canary too)."""

from __future__ import annotations

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from messaging import services


def _png(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 140, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


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
    with_file, _created = services.message_send(
        thread=thread,
        sender=owner,
        body="A picture of the swelling.",
        client_id=uuid.uuid4(),
        files=[_png(f"knee {OWNER_CANARY}.png")],
    )
    world.objects["thread"] = thread
    world.objects["message"] = message
    world.objects["attachment"] = with_file.attachments.get()
