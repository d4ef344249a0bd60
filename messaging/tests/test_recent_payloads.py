"""A message sent over a socket reaches the other sockets of the same process without each of
them reading it back from the database, and only sockets authorized for its thread get it."""

from __future__ import annotations

import uuid

import pytest
from channels.layers import get_channel_layer

from messaging import consumers, services
from messaging.tests.test_live_socket import (
    connect,
    frames_until,
    next_frame,
    nothing_more,
    send_frame,
)
from records.events import user_group

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thread(db, workspace, gp_membership, therapist_membership):
    return services.team_thread_for(workspace=workspace)


@pytest.fixture
def reads(monkeypatch):
    """Every database read of new messages a socket makes (the real read still runs)."""
    calls = []
    real = consumers._messages_after

    async def spy(user, thread_id, after):
        calls.append((user.pk, thread_id, after))
        return await real(user, thread_id, after)

    monkeypatch.setattr(consumers, "_messages_after", spy)
    return calls


async def test_the_other_socket_sends_the_kept_payload_without_reading_it_back(
    thread,
    patient,
    gp,
    reads,
):
    gp_socket, ok, _ = await connect(gp)
    patient_socket, ok2, _ = await connect(patient)
    assert ok and ok2
    for socket in (gp_socket, patient_socket):
        await send_frame(socket, type="resume", threads={})
        assert (await next_frame(socket))["type"] == "resumed"
    for n in range(3):
        await send_frame(
            patient_socket,
            type="send",
            thread=str(thread.pk),
            client_id=str(uuid.uuid4()),
            body=f"Hello {n}",
        )
        await frames_until(patient_socket, "message")
        frame = await next_frame(gp_socket)
        assert frame["type"] == "message"
        assert frame["message"]["body"] == f"Hello {n}" and frame["message"]["sequence"] == n + 1
    assert reads == []
    for socket in (gp_socket, patient_socket):
        await socket.disconnect()


async def test_a_message_stored_elsewhere_is_read_from_the_database(
    thread,
    patient,
    gp,
    reads,
):
    from messaging.tests.test_live_socket import _send

    gp_socket, ok, _ = await connect(gp)
    await send_frame(gp_socket, type="resume", threads={})
    assert (await next_frame(gp_socket))["type"] == "resumed"
    await _send(thread, patient, "Through the page")
    frame = await next_frame(gp_socket)
    assert frame["message"]["body"] == "Through the page"
    # The very next message is read by its thread and sequence alone (the event's audience was
    # decided under the thread's lock), not with the participation query.
    assert reads == []
    consumers.RECENT.items.clear()
    await _send(thread, patient, "Second")
    await _send(thread, patient, "Third")
    bodies = [(await next_frame(gp_socket))["message"]["body"] for _ in range(2)]
    assert bodies == ["Second", "Third"]
    await gp_socket.disconnect()


async def test_a_socket_not_authorized_for_the_thread_never_gets_a_kept_payload(
    thread,
    patient,
    gp,
    outsider_clinician,
    reads,
):
    outsider, ok, _ = await connect(outsider_clinician)
    patient_socket, ok2, _ = await connect(patient)
    assert ok and ok2
    for socket in (outsider, patient_socket):
        await send_frame(socket, type="resume", threads={})
        assert (await next_frame(socket))["type"] == "resumed"
    await send_frame(
        patient_socket,
        type="send",
        thread=str(thread.pk),
        client_id=str(uuid.uuid4()),
        body="Private",
    )
    await frames_until(patient_socket, "message")
    assert consumers.RECENT.get(str(thread.pk), 1)["body"] == "Private"
    # An event for the thread forged into the outsider's own group: the payload is kept in this
    # process, yet the outsider's socket is not authorized for the thread, so it reads the
    # database with the participation check, which finds nothing.
    await get_channel_layer().group_send(
        user_group(outsider_clinician.pk),
        {"type": "message.event", "kind": "created", "thread": str(thread.pk), "sequence": 1},
    )
    assert await nothing_more(outsider, 0.5)
    assert [r[0] for r in reads] == [outsider_clinician.pk]
    for socket in (outsider, patient_socket):
        await socket.disconnect()


def test_the_kept_payloads_are_bounded():
    kept = consumers.RecentPayloads(size=3)
    for sequence in range(1, 6):
        kept.put({"thread": "t", "sequence": sequence})
    assert kept.get("t", 1) is None and kept.get("t", 2) is None
    assert [kept.get("t", s)["sequence"] for s in (3, 4, 5)] == [3, 4, 5]


async def test_a_resume_at_the_last_message_reads_nothing_and_one_behind_catches_up(
    thread, patient, gp, reads
):
    from messaging.tests.test_live_socket import _send

    for n in range(2):
        await _send(thread, patient, f"Earlier {n}")
    gp_socket, ok, _ = await connect(gp)
    assert ok
    await send_frame(gp_socket, type="resume", threads={str(thread.pk): 2})
    assert (await next_frame(gp_socket))["type"] == "resumed"
    assert reads == []  # a reconnect at the last message costs no read
    await gp_socket.disconnect()
    behind, ok, _ = await connect(gp)
    await send_frame(behind, type="resume", threads={str(thread.pk): 1})
    frame = await next_frame(behind)
    assert frame["type"] == "message" and frame["message"]["body"] == "Earlier 1"
    assert (await next_frame(behind))["type"] == "resumed"
    assert len(reads) == 1
    await behind.disconnect()
