"""The live socket against the real ASGI application (Origin check, session auth, routing)."""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts import services as accounts
from care import services as care
from care.events import publish_workspace_event
from care.sections import Section
from config.asgi import application
from messaging import services
from messaging.consumers import MAX_FRAME_BYTES, RATE_CAPACITY, RATE_PER_SECOND
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://testserver")


def _session_cookie(user) -> tuple[Client, bytes]:
    client = Client()
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client, f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(user, origin=ORIGIN):
    headers = [origin] if origin else []
    client = None
    if user is not None:
        client, cookie = await sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, code = await communicator.connect()
    communicator.http_client = client
    if connected:
        hello = await communicator.receive_json_from()
        assert hello["type"] == "hello" and hello["v"] == 1
    return communicator, connected, code


def _is_presence(frame) -> bool:
    return frame["type"] == "event" and frame["kind"] == "presence.changed"


async def next_frame(communicator, timeout=2):
    """The next frame, skipping clinicians' presence changes (tested on their own below)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if not _is_presence(frame):
            return frame


async def nothing_more(communicator, timeout=0.3) -> bool:
    """True when nothing but presence changes arrives within ``timeout``."""
    while not await communicator.receive_nothing(timeout=timeout):
        if not _is_presence(await communicator.receive_json_from()):
            return False
    return True


async def closed_with(communicator, timeout=2):
    """The close code the server sends, skipping presence frames before it."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")
        assert _is_presence(json.loads(output["text"])), output


async def frames_until(communicator, wanted_type, timeout=2):
    """Every frame up to and including the first of ``wanted_type``."""
    seen = []
    while True:
        frame = await next_frame(communicator, timeout=timeout)
        seen.append(frame)
        if frame["type"] == wanted_type:
            return seen


async def send_frame(communicator, **frame):
    await communicator.send_json_to({"v": 1, **frame})


async def _send(thread, user, body):
    return await sync_to_async(services.message_send)(
        thread=thread, sender=user, body=body, client_id=uuid.uuid4()
    )


@pytest.fixture
def thread(db, workspace, gp_membership, therapist_membership):
    return services.team_thread_for(workspace=workspace)


async def test_an_anonymous_socket_is_refused():
    _communicator, connected, code = await connect(None)
    assert not connected and code == 4401


async def test_a_foreign_origin_is_refused(patient):
    _communicator, connected, _code = await connect(patient, (b"origin", b"https://evil.example"))
    assert not connected


async def test_members_receive_a_new_message_live_and_outsiders_do_not(
    thread, patient, gp, outsider_clinician
):
    gp_socket, ok, _ = await connect(gp)
    outsider_socket, ok2, _ = await connect(outsider_clinician)
    patient_socket, ok3, _ = await connect(patient)
    assert ok and ok2 and ok3
    for socket in (gp_socket, outsider_socket):  # a client says where it is first
        await send_frame(socket, type="resume", threads={})
        assert (await next_frame(socket))["type"] == "resumed"
    await send_frame(
        patient_socket, type="send", thread=str(thread.pk), client_id=str(uuid.uuid4()), body="Hi"
    )
    frames = await frames_until(patient_socket, "message")
    assert any(f["type"] == "ack" and f["sequence"] == 1 for f in frames)
    frame = await next_frame(gp_socket)
    assert frame["type"] == "message"
    assert frame["message"]["body"] == "Hi" and frame["message"]["sequence"] == 1
    assert await nothing_more(outsider_socket, 0.3)
    for socket in (gp_socket, outsider_socket, patient_socket):
        await socket.disconnect()


async def test_posting_to_a_thread_one_is_not_in_gives_not_found_and_stores_nothing(
    thread, outsider_clinician
):
    from messaging.models import Message

    socket, ok, _ = await connect(outsider_clinician)
    await send_frame(
        socket, type="send", thread=str(thread.pk), client_id=str(uuid.uuid4()), body="Hi"
    )
    frame = await next_frame(socket)
    assert frame["type"] == "error" and frame["code"] == "not_found"
    assert await sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()


async def test_a_retried_send_over_the_socket_is_stored_once(thread, patient):
    from messaging.models import Message

    socket, _ok, _ = await connect(patient)
    client_id = str(uuid.uuid4())
    for _ in range(2):
        await send_frame(socket, type="send", thread=str(thread.pk), client_id=client_id, body="x")
        frames = await frames_until(socket, "ack")
        assert frames[-1]["sequence"] == 1
    assert await sync_to_async(Message.objects.count)() == 1
    await socket.disconnect()


async def test_reconnecting_returns_exactly_what_was_missed_once_in_order(thread, patient, gp):
    for body in ("one", "two"):
        await _send(thread, patient, body)
    gp_socket, _ok, _ = await connect(gp)
    for body in ("three", "four", "five"):
        await _send(thread, patient, body)
    # Live delivery may or may not have happened; what counts is the resume below.
    await gp_socket.disconnect()
    socket, _ok, _ = await connect(gp)
    await send_frame(socket, type="resume", threads={str(thread.pk): 2})
    frames = await frames_until(socket, "resumed")
    messages = [f["message"] for f in frames if f["type"] == "message"]
    assert [m["sequence"] for m in messages] == [3, 4, 5]
    assert [m["body"] for m in messages] == ["three", "four", "five"]
    # A later live message comes once, right after the caught-up ones.
    await _send(thread, patient, "six")
    frame = await next_frame(socket)
    assert frame["message"]["sequence"] == 6
    assert await nothing_more(socket, 0.3)
    await socket.disconnect()


async def test_messages_wait_for_the_clients_resume_so_they_come_once_in_order(thread, patient, gp):
    for body in ("one", "two"):
        await _send(thread, patient, body)
    # The GP's page saw "one" only; the socket opens, and "three" is sent before the page's
    # resume reaches the server.
    socket, _ok, _ = await connect(gp)
    await _send(thread, patient, "three")
    assert await nothing_more(socket, 0.3)
    await send_frame(socket, type="resume", threads={str(thread.pk): 1})
    frames = await frames_until(socket, "resumed")
    assert [f["message"]["body"] for f in frames if f["type"] == "message"] == ["two", "three"]
    assert await nothing_more(socket, 0.3)
    await socket.disconnect()


async def test_resuming_a_thread_one_may_not_read_reveals_nothing(thread, outsider_clinician):
    socket, _ok, _ = await connect(outsider_clinician)
    await send_frame(socket, type="resume", threads={str(thread.pk): 0})
    frames = await frames_until(socket, "resumed")
    assert [f["type"] for f in frames] == ["resumed"]
    assert frames[0]["not_found"] == [str(thread.pk)]
    await socket.disconnect()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "malformed"),
        ("[1, 2]", "malformed"),
        (json.dumps({"type": "ping"}), "unsupported_version"),
        (json.dumps({"v": 1, "type": "shout"}), "unknown_type"),
        (json.dumps({"v": 1, "type": "ping", "sender": "someone"}), "unexpected_field"),
        (json.dumps({"v": 1, "type": "resume", "threads": {"x": -1}}), "invalid"),
        (json.dumps({"v": 1, "type": "send", "thread": "nope", "body": "x"}), "invalid"),
    ],
)
async def test_bad_frames_get_an_error_frame(patient, raw, code):
    socket, _ok, _ = await connect(patient)
    await socket.send_to(text_data=raw)
    frame = await next_frame(socket)
    assert frame["type"] == "error" and frame["code"] == code
    await send_frame(socket, type="ping")  # the socket stays usable
    assert (await next_frame(socket))["type"] == "pong"
    await socket.disconnect()


async def test_an_oversized_frame_gets_an_error_frame(patient):
    socket, _ok, _ = await connect(patient)
    await socket.send_to(text_data="x" * (MAX_FRAME_BYTES + 1))
    frame = await next_frame(socket)
    assert frame["code"] == "too_large"
    await socket.disconnect()


async def test_a_forged_sender_is_refused_and_nothing_is_stored(thread, patient, gp):
    from messaging.models import Message

    socket, _ok, _ = await connect(patient)
    await send_frame(
        socket,
        type="send",
        thread=str(thread.pk),
        client_id=str(uuid.uuid4()),
        body="hi",
        sender=str(gp.pk),
    )
    frame = await next_frame(socket)
    assert frame["code"] == "unexpected_field"
    assert await sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()


async def test_an_empty_message_gets_a_clear_error(thread, patient):
    socket, _ok, _ = await connect(patient)
    client_id = str(uuid.uuid4())
    await send_frame(socket, type="send", thread=str(thread.pk), client_id=client_id, body="  ")
    frame = await next_frame(socket)
    assert frame["code"] == "invalid" and frame["ref"] == client_id
    await socket.disconnect()


async def test_a_flood_of_frames_is_rate_limited(patient):
    socket, _ok, _ = await connect(patient)
    flood = RATE_CAPACITY + 10
    started = time.monotonic()
    for _ in range(flood):
        await send_frame(socket, type="ping")
    codes = []
    for _ in range(flood):
        frame = await next_frame(socket)
        codes.append(frame.get("code", frame["type"]))
    elapsed = time.monotonic() - started
    assert "rate_limited" in codes
    # The burst, plus what the bucket refilled while the flood was being handled.
    assert codes.count("pong") <= RATE_CAPACITY + 1 + math.ceil(elapsed * RATE_PER_SECOND)
    await socket.disconnect()


async def test_a_removed_member_gets_no_more_messages_and_the_socket_follows_the_change(
    thread, patient, gp, gp_membership
):
    socket, _ok, _ = await connect(gp)
    await sync_to_async(care.membership_end)(membership=gp_membership, by=patient)
    frame = await next_frame(socket)
    assert frame["type"] == "access_changed"
    await _send(thread, patient, "Not for you any more")
    assert await nothing_more(socket, 0.3)
    await send_frame(socket, type="resume", threads={str(thread.pk): 0})
    frames = await frames_until(socket, "resumed")
    assert frames[-1]["not_found"] == [str(thread.pk)]
    await socket.disconnect()


async def test_a_late_event_after_removal_delivers_nothing_before_the_socket_hears_of_it(
    thread, patient, gp, gp_membership, monkeypatch
):
    """The socket keeps the threads it may read, but the message read itself checks
    participation: an event that arrives after the removal (and before access.changed, here
    never sent) delivers nothing."""
    from channels.layers import get_channel_layer

    from records.events import user_group

    socket, _ok, _ = await connect(gp)
    monkeypatch.setattr(care, "publish_access_changed", lambda **kwargs: None)
    await sync_to_async(care.membership_end)(membership=gp_membership, by=patient)
    message, _created = await _send(thread, patient, "Not for you any more")
    await get_channel_layer().group_send(
        user_group(gp.pk),
        {"type": "message.event", "kind": "created", "thread": str(thread.pk), "sequence": 1},
    )
    assert message.sequence == 1
    assert await nothing_more(socket, 0.5)
    await socket.disconnect()


async def test_a_clinician_accepted_while_connected_follows_the_workspace_and_team_thread(
    workspace, patient, gp
):
    membership = await sync_to_async(care.membership_invite)(
        workspace=workspace, clinician=gp, invited_by=gp
    )
    socket, _ok, _ = await connect(gp)
    await send_frame(socket, type="resume", threads={})  # as live.js does on every connect
    assert (await next_frame(socket))["type"] == "resumed"
    await sync_to_async(care.membership_accept)(membership=membership, by=patient, sections=[])
    frame = await next_frame(socket)
    assert frame["type"] == "access_changed" and frame["workspace"] == str(workspace.pk)
    await sync_to_async(publish_workspace_event)(
        workspace_id=workspace.pk, kind="note.changed", section=None, data={"note": "n1"}
    )
    assert (await next_frame(socket))["data"] == {"note": "n1"}
    thread = await sync_to_async(services.team_thread_for)(workspace=workspace)
    await _send(thread, patient, "Welcome to the team")
    frame = await next_frame(socket)
    assert frame["type"] == "message" and frame["message"]["body"] == "Welcome to the team"
    await socket.disconnect()


async def test_a_deactivated_clinicians_socket_is_closed(thread, gp):
    socket, _ok, _ = await connect(gp)
    await sync_to_async(accounts.user_deactivate)(user=gp)
    assert await closed_with(socket) == 4403


async def test_signing_out_closes_that_sessions_socket(patient):
    socket, _ok, _ = await connect(patient)
    await sync_to_async(socket.http_client.post)("/accounts/logout/")
    assert await closed_with(socket) == 4401


async def test_workspace_events_reach_only_those_the_section_is_shared_with(
    workspace, patient, gp, therapist, gp_membership, therapist_membership, outsider_clinician
):
    sockets = {}
    for name, user in (("patient", patient), ("gp", gp), ("therapist", therapist)):
        sockets[name], _ok, _ = await connect(user)
    sockets["outsider"], _ok, _ = await connect(outsider_clinician)

    await sync_to_async(publish_workspace_event)(
        workspace_id=workspace.pk, kind="goal.step_proposed", section="goals", data={"goal": "g1"}
    )
    for name in ("patient", "gp"):
        frame = await next_frame(sockets[name])
        assert frame["type"] == "event" and frame["kind"] == "goal.step_proposed"
        assert frame["data"] == {"goal": "g1"} and frame["section"] == "goals"
    assert await nothing_more(sockets["therapist"], 0.3)  # goals not shared
    assert await nothing_more(sockets["outsider"], 0.1)

    # Revoking the share stops the next event for the GP at once.
    await sync_to_async(care.sharing_update)(
        membership=gp_membership, sections=[Section.PROGRESS], by=patient
    )
    assert (await next_frame(sockets["gp"]))["type"] == "access_changed"
    await sync_to_async(publish_workspace_event)(
        workspace_id=workspace.pk, kind="goal.step_proposed", section="goals", data={"goal": "g2"}
    )
    assert (await next_frame(sockets["patient"]))["data"] == {"goal": "g2"}
    assert await nothing_more(sockets["gp"], 0.3)
    for socket in sockets.values():
        await socket.disconnect()


async def test_read_receipts_reach_the_sender(thread, patient, gp):
    message, _created = await _send(thread, patient, "Did you get this?")
    patient_socket, _ok, _ = await connect(patient)
    gp_socket, _ok, _ = await connect(gp)
    await send_frame(gp_socket, type="read", thread=str(thread.pk), sequence=message.sequence)
    frame = await next_frame(patient_socket)
    assert frame == {
        "v": 1,
        "type": "receipt",
        "thread": str(thread.pk),
        "user": str(gp.pk),
        "sequence": 1,
    }
    for socket in (patient_socket, gp_socket):
        await socket.disconnect()


async def test_a_clinicians_presence_is_shown_to_the_patient(workspace, patient, gp, gp_membership):
    from messaging import selectors

    patient_socket, _ok, _ = await connect(patient)
    gp_socket, _ok, _ = await connect(gp)
    frame = await patient_socket.receive_json_from(timeout=2)
    assert frame["kind"] == "presence.changed"
    assert frame["data"] == {"user": str(gp.pk), "online": True}
    presence = await sync_to_async(selectors.presence_for_users)([gp.pk])
    assert presence[gp.pk].online
    await gp_socket.disconnect()
    frame = await patient_socket.receive_json_from(timeout=2)
    assert frame["data"] == {"user": str(gp.pk), "online": False}
    presence = await sync_to_async(selectors.presence_for_users)([gp.pk])
    assert not presence[gp.pk].online and presence[gp.pk].last_seen_at is not None
    await patient_socket.disconnect()


async def test_a_clinician_past_the_password_but_not_the_second_factor_is_refused(gp, settings):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.CLINICIAN_MFA_REQUIRED = True
    communicator, connected, _code = await connect(gp)
    assert not connected
    await communicator.disconnect()

    device = await sync_to_async(TOTPDevice.objects.create)(user=gp, name="app", confirmed=True)

    def verified_cookie():
        client = Client()
        client.force_login(gp, backend="accounts.backends.EmailBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return f"sessionid={session.session_key}".encode()

    cookie = await sync_to_async(verified_cookie)()
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _code = await communicator.connect()
    assert connected
    await communicator.disconnect()


async def _lose_subscriptions(user) -> None:
    """What a Redis outage can do to a socket: its channel is no longer in its user's group, so
    layer events for it are gone for good (the in-memory layer lets the test do it directly)."""
    from channels.layers import get_channel_layer

    from records.events import user_group

    layer = get_channel_layer()
    group = user_group(user.pk)
    for channel in list(layer.groups.get(group, {})):
        await layer.group_discard(group, channel)


async def test_a_lost_layer_event_is_caught_up_by_the_next_ping(
    in_memory_channel_layer, thread, patient, gp
):
    socket, _ok, _ = await connect(gp)
    await send_frame(socket, type="resume", threads={})
    assert (await next_frame(socket))["type"] == "resumed"
    await _lose_subscriptions(gp)
    await _send(thread, patient, "sent while the event was lost")
    assert await nothing_more(socket, 0.3)  # no event reached the socket
    await send_frame(socket, type="ping")  # live.js sends one every 20 s
    frames = await frames_until(socket, "pong")
    assert [f["message"]["body"] for f in frames if f["type"] == "message"] == [
        "sent while the event was lost"
    ]
    await send_frame(socket, type="ping")
    assert [f["type"] for f in await frames_until(socket, "pong")] == ["pong"]  # once only
    await socket.disconnect()


async def test_a_socket_that_sends_after_a_gap_reads_the_gap_before_its_own_message(
    in_memory_channel_layer, thread, patient, gp
):
    socket, _ok, _ = await connect(patient)
    await send_frame(socket, type="resume", threads={})
    assert (await next_frame(socket))["type"] == "resumed"
    await _lose_subscriptions(patient)
    await _send(thread, gp, "the GP's answer, its event lost")
    client_id = str(uuid.uuid4())
    await send_frame(
        socket, type="send", thread=str(thread.pk), client_id=client_id, body="and mine"
    )
    frames = [await next_frame(socket) for _ in range(3)]
    assert frames[0]["type"] == "ack" and frames[0]["client_id"] == client_id
    assert [f["message"]["body"] for f in frames[1:]] == [
        "the GP's answer, its event lost",
        "and mine",
    ]
    assert await nothing_more(socket, 0.3)
    await socket.disconnect()


NEW_PASSWORD = "a-brand-new-passphrase-42"


async def test_a_password_change_closes_the_other_sessions_sockets_and_renews_this_ones(patient):
    mine, _ok, _ = await connect(patient)
    stolen, _ok, _ = await connect(patient)
    response = await sync_to_async(mine.http_client.post)(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert await closed_with(stolen) == 4401
    # The session that made the change survives under a new key: its socket is told to
    # reconnect, and the browser's cookie (renewed by the response) gets in.
    assert await closed_with(mine) == 4409
    cookie = f"sessionid={mine.http_client.cookies['sessionid'].value}".encode()
    again = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _code = await again.connect()
    assert connected
    await again.disconnect()


async def test_a_password_reset_closes_every_socket_of_the_person(patient):
    socket, _ok, _ = await connect(patient)
    await sync_to_async(accounts.user_password_reset)(user=patient, password=NEW_PASSWORD)
    assert await closed_with(socket) == 4401


async def test_deactivating_in_the_admin_closes_the_persons_sockets(patient):
    from accounts.models import User

    socket, _ok, _ = await connect(patient)

    def untick_active():
        admin = User.objects.create_superuser(
            email="admin@example.test", password=PASSWORD, full_name="Ada Admin"
        )
        client = Client()
        client.force_login(admin)
        return client.post(
            f"/admin/accounts/user/{patient.pk}/change/",
            {
                "email": patient.email,
                "full_name": patient.full_name,
                "role": patient.role,
                "timezone": patient.timezone,
                "language": patient.language,
            },
        )

    response = await sync_to_async(untick_active)()
    assert response.status_code == 302
    assert await closed_with(socket) == 4403


# --- sockets per session ---------------------------------------------------------------------


async def _open(cookie: bytes):
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, code = await communicator.connect()
    if connected:
        first = await communicator.receive_output(timeout=2)
        if first["type"] == "websocket.close":
            return communicator, False, first.get("code")
        assert json.loads(first["text"])["type"] == "hello"
    return communicator, connected, code


def _cookie_of(client) -> bytes:
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_a_session_holds_at_most_ten_sockets_and_closing_one_frees_a_slot(patient, settings):
    assert settings.LIVE_SOCKETS_PER_SESSION == 10
    first, ok, _ = await connect(patient)
    assert ok
    cookie = _cookie_of(first.http_client)
    sockets = [first]
    for _ in range(9):
        socket, ok, _code = await _open(cookie)
        assert ok
        sockets.append(socket)
    eleventh, ok, code = await _open(cookie)
    assert not ok and code == 4429
    # Another session of the same person has its own ten.
    other, ok, _ = await connect(patient)
    assert ok
    await sockets.pop().disconnect()
    again, ok, _code = await _open(cookie)
    assert ok
    for socket in [*sockets, again, other]:
        await socket.disconnect()
    from messaging.models import LiveSocket

    assert await sync_to_async(LiveSocket.objects.count)() == 0


async def test_the_count_is_shared_by_every_process_through_the_database(patient):
    """Sockets held by another server process are rows like this process's own: a session
    whose ten slots are taken elsewhere is refused here; rows of a process that died (silent
    past LIVE_SOCKET_SILENT_SECONDS) stop counting."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from accounts.sessions import session_fingerprint
    from messaging.models import LiveSocket

    client, cookie = await sync_to_async(_session_cookie)(patient)
    fingerprint = session_fingerprint(client.cookies["sessionid"].value)

    def elsewhere(seen_at):
        LiveSocket.objects.all().delete()
        LiveSocket.objects.bulk_create(
            LiveSocket(user=patient, session=fingerprint, seen_at=seen_at) for _ in range(10)
        )

    await sync_to_async(elsewhere)(timezone.now())
    _socket, ok, code = await _open(cookie)
    assert not ok and code == 4429
    silent = timedelta(seconds=settings.LIVE_SOCKET_SILENT_SECONDS + 1)
    await sync_to_async(elsewhere)(timezone.now() - silent)
    socket, ok, _code = await _open(cookie)
    assert ok
    await socket.disconnect()


async def test_a_socket_that_falls_silent_is_closed_and_a_pinging_one_is_not(patient, settings):
    settings.LIVE_SOCKET_SILENT_SECONDS = 1
    quiet, _ok, _ = await connect(patient)
    talking, _ok, _ = await connect(patient)
    for _ in range(5):
        await send_frame(talking, type="ping")
        assert (await next_frame(talking))["type"] == "pong"
        await asyncio.sleep(0.3)
    assert await closed_with(quiet, timeout=1) == 4408
    await send_frame(talking, type="ping")
    assert (await next_frame(talking))["type"] == "pong"
    await talking.disconnect()


# --- the clinician idle timeout --------------------------------------------------------------


def _set_last_seen(client, seconds_ago: float) -> None:
    session = client.session
    session["last_seen_at"] = time.time() - seconds_ago
    session.save()


def _last_seen(client) -> float | None:
    return client.session.get("last_seen_at")


@pytest.fixture
def one_minute_idle(settings):
    settings.CLINICIAN_IDLE_TIMEOUT_MINUTES = 1


async def _clinician_socket_idle_in(user, seconds: float):
    """A clinician's socket on a session whose last request was ``60 - seconds`` ago (the idle
    timeout being one minute): it falls idle ``seconds`` from now unless something moves it."""
    client, cookie = await sync_to_async(_session_cookie)(user)
    await sync_to_async(_set_last_seen)(client, 60 - seconds)
    socket, ok, _code = await _open(cookie)
    assert ok
    socket.http_client = client
    return socket


async def test_an_idle_clinicians_socket_closes_and_heartbeats_do_not_keep_it_open(
    gp, one_minute_idle
):
    socket = await _clinician_socket_idle_in(gp, 1.5)
    before = await sync_to_async(_last_seen)(socket.http_client)
    for _ in range(3):
        await send_frame(socket, type="ping")
        assert (await next_frame(socket))["type"] == "pong"
        await asyncio.sleep(0.2)
    assert await closed_with(socket, timeout=3) == 4401
    # The heartbeats were not counted as activity of the session.
    assert await sync_to_async(_last_seen)(socket.http_client) == before


async def test_a_request_by_the_clinician_keeps_their_socket_open(gp, one_minute_idle):
    socket = await _clinician_socket_idle_in(gp, 5)
    response = await sync_to_async(socket.http_client.get)("/clinic/")
    assert response.status_code == 200
    assert await nothing_more(socket, timeout=6)  # past the old deadline
    await socket.disconnect()


async def test_sending_a_message_keeps_the_clinicians_session_and_socket_alive(
    thread, gp, one_minute_idle
):
    socket = await _clinician_socket_idle_in(gp, 5)
    await send_frame(socket, type="resume", threads={})
    await frames_until(socket, "resumed")
    await send_frame(
        socket, type="send", thread=str(thread.pk), client_id=str(uuid.uuid4()), body="Hi"
    )
    await frames_until(socket, "message")
    assert await sync_to_async(_last_seen)(socket.http_client) > time.time() - 5
    assert await nothing_more(socket, timeout=6)  # past the old deadline
    await socket.disconnect()


async def test_a_socket_of_an_already_idle_clinician_session_is_refused(gp, one_minute_idle):
    client, cookie = await sync_to_async(_session_cookie)(gp)
    await sync_to_async(_set_last_seen)(client, 120)
    _socket, ok, code = await _open(cookie)
    assert not ok and code == 4401


async def test_patients_sockets_have_no_idle_timeout(patient, one_minute_idle):
    socket, _ok, _ = await connect(patient)
    await sync_to_async(_set_last_seen)(socket.http_client, 3600)
    await send_frame(socket, type="ping")
    assert (await next_frame(socket))["type"] == "pong"
    assert await nothing_more(socket, timeout=1)


@pytest.mark.parametrize(
    ("body_json", "code"),
    [
        ('"before\\u0000after"', "invalid_text"),  # NUL
        ('"lone \\ud800 surrogate"', "invalid_text"),
    ],
)
async def test_unsafe_text_over_the_socket_gets_an_error_frame_and_the_socket_stays_usable(
    thread, patient, body_json, code
):
    from messaging.models import Message

    socket, _ok, _ = await connect(patient)
    client_id = str(uuid.uuid4())
    raw = (
        f'{{"v": 1, "type": "send", "thread": "{thread.pk}", '
        f'"client_id": "{client_id}", "body": {body_json}}}'
    )
    await socket.send_to(text_data=raw)
    frame = await next_frame(socket)
    assert frame["type"] == "error" and frame["code"] == code
    assert "cannot be stored" in frame["detail"]
    assert await sync_to_async(Message.objects.count)() == 0
    # The socket stays usable: a clean message goes through.
    await send_frame(socket, type="send", thread=str(thread.pk), client_id=client_id, body="ok")
    assert (await frames_until(socket, "ack"))[-1]["client_id"] == client_id
    assert await sync_to_async(Message.objects.count)() == 1
    await socket.disconnect()


@pytest.mark.parametrize("depth", [40, 8000])
async def test_deeply_nested_frames_get_an_error_frame(patient, depth):
    socket, _ok, _ = await connect(patient)
    nested = "[" * depth + "]" * depth
    await socket.send_to(text_data=f'{{"v": 1, "type": "ping", "x": {nested}}}')
    frame = await next_frame(socket)
    assert frame["type"] == "error" and frame["code"] == "too_deep"
    await send_frame(socket, type="ping")
    assert (await next_frame(socket))["type"] == "pong"
    await socket.disconnect()


@pytest.mark.parametrize("language", ["da", "nb"])
async def test_the_sockets_texts_are_in_the_accounts_language(thread, patient, language):
    from django.utils import translation

    async def empty_message_detail():
        socket, _ok, _ = await connect(patient)
        await send_frame(socket, type="send", thread=str(thread.pk), client_id=str(uuid.uuid4()),
                         body=" ")  # fmt: skip
        frame = await next_frame(socket)
        await socket.disconnect()
        return frame["detail"]

    patient.language = "en"
    await sync_to_async(patient.save)(update_fields=["language"])
    english = await empty_message_detail()
    patient.language = language
    await sync_to_async(patient.save)(update_fields=["language"])
    translated = await empty_message_detail()
    with translation.override(language):
        expected = translation.gettext(english)
    assert translated == expected and translated != english


async def test_the_slots_a_dead_process_left_are_pruned_and_the_live_ones_kept(patient):
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from messaging.models import LiveSocket
    from messaging.tasks import live_sockets_prune

    def rows():
        now = timezone.now()
        silent = now - timedelta(seconds=settings.LIVE_SOCKET_SILENT_SECONDS + 1)
        LiveSocket.objects.bulk_create(
            [LiveSocket(user=patient, session="dead", seen_at=silent) for _ in range(3)]
            + [LiveSocket(user=patient, session="alive", seen_at=now)]
        )
        result = live_sockets_prune.call()
        return result, sorted(LiveSocket.objects.values_list("session", flat=True))

    result, left = await sync_to_async(rows)()
    assert result == {"pruned": 3} and left == ["alive"]


async def test_only_a_clinicians_socket_counts_towards_presence(patient, gp):
    from messaging.models import LiveSocket, Presence

    def state(user):
        row = Presence.objects.filter(user=user).first()
        return (row.open_sockets if row else 0, LiveSocket.objects.filter(user=user).count())

    patient_socket, ok, _ = await connect(patient)
    gp_socket, ok2, _ = await connect(gp)
    assert ok and ok2
    # Both hold a slot of their session; only the clinician is shown as online.
    assert await sync_to_async(state)(patient) == (0, 1)
    assert await sync_to_async(state)(gp) == (1, 1)
    for socket in (patient_socket, gp_socket):
        await socket.disconnect()
    assert await sync_to_async(state)(patient) == (0, 0)
    assert await sync_to_async(state)(gp) == (0, 0)
