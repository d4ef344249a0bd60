import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from records.events import user_group


@pytest.fixture
def workspace_events(workspace, in_memory_channel_layer):
    """A real listener on the in-memory channel layer for the patient's own group (the owner
    is in the audience of every event of their workspace): call it to get every event
    published so far (after commit)."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(workspace.patient_id), channel)

    def received():
        events = []
        while True:
            try:
                events.append(async_to_sync(_receive_now)(layer, channel))
            except TimeoutError:
                return events

    return received


async def _receive_now(layer, channel):
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), timeout=0.05)
