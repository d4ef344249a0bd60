"""A relative's live socket never joins a patient's workspace: no event of what is shared with
them reaches it; when the patient stops sharing, the socket is told at once
(docs/relatives.md)."""

import json

import pytest
from asgiref.sync import sync_to_async

from care import relatives
from messaging.tests.test_live_socket import connect
from tests.factories import PatientFactory, RelativeFactory, workspace_for
from toolbox import services as toolbox

pytestmark = pytest.mark.django_db(transaction=True)


def _world():
    patient = PatientFactory(full_name="Nora Socket")
    workspace = workspace_for(patient)
    relative = RelativeFactory()
    access = relatives.relative_accept(
        access=relatives.relative_invite(
            workspace=workspace,
            by=patient,
            email=relative.email,
            label="friend",
            sections=["crisis_plan", "checkins"],
        ),
        user=relative,
    )
    return patient, workspace, relative, access


async def test_a_relatives_socket_carries_nothing_of_the_patients_workspace():
    patient, workspace, relative, access = await sync_to_async(_world)()
    socket, ok, _hello = await connect(relative)
    assert ok
    await sync_to_async(toolbox.crisis_item_add)(
        workspace=workspace, by=patient, kind="warning_sign", text="Not sleeping"
    )
    assert await socket.receive_nothing(timeout=0.5)
    await sync_to_async(relatives.relative_revoke)(access=access, by=patient)
    await sync_to_async(toolbox.crisis_item_add)(
        workspace=workspace, by=patient, kind="warning_sign", text="Skipping meals"
    )
    raw = []
    while not await socket.receive_nothing(timeout=0.3):
        raw.append(await socket.receive_output())
    # The revocation is pushed to the open socket (a page there re-checks and is refused);
    # nothing of what the patient writes ever is.
    assert [json.loads(frame["text"])["type"] for frame in raw] == ["access_changed"]
    assert not any("Skipping meals" in frame["text"] for frame in raw)
    await socket.disconnect()
