"""The live socket ``/ws/live/``: one per browser tab, carrying every live event the user may see.

The protocol is documented in ``docs/live-protocol.md``. Delivery of messages never relies on the
channel layer: a layer event only says "thread T has something at sequence N"; the consumer then
reads from the database everything after the last sequence it delivered on this socket, so a
dropped or duplicated layer event costs latency, never a message, and never a duplicate.

Authorization: the socket is accepted only for an active, signed-in user (the ASGI stack checks
the Origin and loads the session). At connect one query gives the threads the user may read; the
socket keeps that set and re-computes it on ``access.changed`` (membership, consent and account
changes publish it). A message is announced only to the participants read under the thread's row
lock when it was stored; the very next one a socket owes, in a thread of its kept set, is sent
from the payload this process kept (``RecentPayloads``) or read by its key; every other read
(catch-up, a gap) checks participation inside the same query, so a removed member gets nothing
more even before ``access.changed`` arrives; receipts are filtered with the kept set; a send is
authorized from the participants read under the thread's row lock; workspace events are checked
against the database. ``access.changed`` also re-computes the workspaces followed and closes the socket
of a deactivated user; ``session.ended`` closes the sockets of a signed-out session and
``sessions.ended`` those of every session of a person whose password changed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from accounts import sessions
from accounts.languages import language_of
from accounts.models import User
from accounts.sessions import session_fingerprint
from care import policies
from care.sections import Section
from config.input_hygiene import InputRefused, loads_checked
from messaging import selectors, services
from messaging.live_db import live_db
from messaging.models import Message
from messaging.payloads import PROTOCOL_VERSION, message_payload
from records.events import user_group

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024
# A person opening a page (resume, read marks of a few threads) stays inside the burst, and
# nobody types and reads faster than 3 frames a second for long; a script is held to that.
RATE_CAPACITY = 30  # frames in a burst
RATE_PER_SECOND = 3.0  # sustained frames per second
MAX_RESUME_THREADS = 200
# The account is re-read on an inbound frame at most this often; deactivation closes the socket
# at once through access.changed, this only covers a lost layer event.
USER_RECHECK_SECONDS = 30.0
CATCH_UP_BATCH = 200

CLOSE_SIGNED_OUT = 4401
CLOSE_ACCESS_ENDED = 4403
# The session this socket was opened with was renewed (a password change keeps the session that
# made it under a new key): reconnect at once, the browser's cookie already holds the new key.
CLOSE_SESSION_RENEWED = 4409
# The session already holds LIVE_SOCKETS_PER_SESSION sockets; closing one frees a slot.
CLOSE_TOO_MANY_SOCKETS = 4429
# Nothing (not even a heartbeat) came for LIVE_SOCKET_SILENT_SECONDS: the client is gone.
CLOSE_SILENT = 4408

# Fields each inbound type may carry (besides ``v`` and ``type``); anything else is refused,
# so a forged ``sender`` never goes unnoticed.
INBOUND_FIELDS = {
    "resume": {"threads"},
    "send": {"thread", "client_id", "body"},
    "read": {"thread", "sequence"},
    "ping": set(),
}


def _second_factor_ok(user, session) -> bool:
    """The HTTP pages hold a clinician at the second-factor gate until a TOTP code is confirmed;
    the socket applies the same rule to the session it was opened with."""
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    if not (settings.CLINICIAN_MFA_REQUIRED and user.is_clinician):
        return True
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk and device.confirmed


class TokenBucket:
    def __init__(self, capacity: int, per_second: float):
        self.capacity = capacity
        self.per_second = per_second
        self.tokens = float(capacity)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class ProtocolError(Exception):
    def __init__(self, code: str, detail: str):
        self.code = code
        self.detail = detail


# --- database work (run in the sync thread) --------------------------------------------------


def app_groups(user) -> list[str]:
    """The audiences apps keep for this person (``<app>/live_groups.py``: ``groups_for(user)``),
    e.g. the forum's members and moderators. Read at connect and on access.changed."""
    from config.discovery import app_modules

    groups: list[str] = []
    for _app, module in app_modules("live_groups"):
        groups += module.groups_for(user)
    return groups


_app_groups = live_db(app_groups)


@dataclass
class Opening:
    """What a socket needs to open, read in one trip to the database thread."""

    refused: int | None = None  # a close code
    idle_until: float | None = None
    slot: object = None
    language: str = ""
    app_groups: list = field(default_factory=list)
    workspace_ids: set = field(default_factory=set)
    positions: dict = field(default_factory=dict)


@live_db
def _opening(user, session, *, session_fingerprint, idle_applies: bool, opened_at: float):
    """The checks and reads of a new socket, in order: the second factor, a clinician's idle
    session, a slot of the session (and the person's presence), then the language, the app
    audiences, the workspaces followed and the threads readable. Nothing is counted when a
    check refuses the socket."""
    if not _second_factor_ok(user, session):
        return Opening(refused=CLOSE_SIGNED_OUT)
    idle_until = None
    if idle_applies:
        idle_until = sessions.idle_deadline(getattr(session, "session_key", None), since=opened_at)
        if idle_until is None or idle_until <= time.time():
            return Opening(refused=CLOSE_SIGNED_OUT)
    slot = services.live_socket_connect(user=user, session=session_fingerprint or "")
    if slot is None:
        return Opening(refused=CLOSE_TOO_MANY_SOCKETS)
    return Opening(
        idle_until=idle_until,
        slot=slot,
        language=language_of(user),
        app_groups=app_groups(user),
        workspace_ids=visible_workspace_ids(user),
        positions=thread_positions(user),
    )


@live_db
def _reload_user(user_id) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


_language_of = live_db(language_of)


def visible_workspace_ids(user) -> set[str]:
    return {str(pk) for pk in policies.workspaces_for_user(user).values_list("pk", flat=True)}


_visible_workspace_ids = live_db(visible_workspace_ids)


def thread_positions(user) -> dict[str, int]:
    """Thread id -> last sequence, for every thread the user may read (one query)."""
    return {
        str(pk): seq
        for pk, seq in selectors.threads_for_user(user).values_list("pk", "last_sequence")
    }


_thread_positions = live_db(thread_positions)


def messages_after(user, thread_id, after: int) -> list[dict]:
    """Payloads after ``after`` in order (one query, participation checked inside it: a user who
    may no longer read the thread gets an empty list; a second one only when some of the
    messages carry files)."""
    return selectors.readable_payloads(
        selectors.readable_messages(user, thread_id)
        .filter(sequence__gt=after)
        .order_by("sequence")[:CATCH_UP_BATCH]
    )


_messages_after = live_db(messages_after)


@live_db
def _message_at(user, thread_id, sequence: int) -> dict | None:
    found = selectors.readable_payloads(
        selectors.readable_messages(user, thread_id).filter(sequence=sequence)[:1]
    )
    return found[0] if found else None


@live_db
def _announced(thread_id: str, sequence: int) -> dict | None:
    """The one message an event announced to this user (see ``message_event``): read by its
    thread and sequence alone, one short query."""
    found = selectors.readable_payloads(
        Message.objects.filter(thread_id=thread_id, sequence=sequence).select_related("sender")[:1]
    )
    return found[0] if found else None


class RecentPayloads:
    """The messages this process's sockets stored in the last moments, by (thread, sequence).

    A message sent over a socket is published to its participants' groups as an id and a
    sequence (the layer never carries its text). The other sockets of the same process that the
    event reaches send the payload kept here instead of each reading it back from the database:
    the event's audience is the thread's participants, decided under the thread's row lock when
    the message was stored, and a socket uses the kept payload only for a thread in its own
    authorized set (re-computed on ``access.changed``) and only when it is the very next
    message that socket owes. Anything else (another process's message, a gap, an edit) is read
    from the database as before. Bounded: the oldest entries go first."""

    def __init__(self, size: int = 4096):
        self.size = size
        self.items: OrderedDict[tuple[str, int], dict] = OrderedDict()
        self.lock = threading.Lock()  # filled from the database threads

    def put(self, payload: dict) -> None:
        with self.lock:
            self.items[(payload["thread"], payload["sequence"])] = payload
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def get(self, thread_id: str, sequence: int) -> dict | None:
        return self.items.get((thread_id, sequence))


RECENT = RecentPayloads()


@live_db
def _may_read(user, thread_id) -> bool:
    return selectors.threads_for_user(user).filter(pk=thread_id).exists()


@live_db
def _may_see_event(user, workspace_id, section) -> bool:
    try:
        workspace = policies.workspace_for_user(user, workspace_id)
    except Http404:
        return False
    if section is None:
        return True
    try:
        return policies.can_view_section(user, workspace, Section(section))
    except ValueError:
        return False


def _keep(message: Message) -> None:
    # The socket carries no files, so a message it just stored has no attachments.
    RECENT.put(message_payload(message, attachments=[]))


def send(user, thread_id, client_id, body) -> tuple[Message, bool]:
    """Store a message (authorized under the thread's row lock by ``message_send``); its payload
    is kept for this process's other sockets before the participants hear of it."""
    return services.message_send(
        thread=thread_id, sender=user, body=body, client_id=client_id, stored=_keep
    )


_send = live_db(send)


@live_db
def _mark_read(user, thread_id, sequence) -> int:
    return services.thread_mark_read(thread=thread_id, user=user, sequence=sequence)


_presence_disconnect = live_db(services.presence_disconnect)


@live_db
def _heartbeat(user, socket_id) -> dict[str, int]:
    """A ping: refresh a clinician's "last seen", the socket's slot, and the thread positions
    (three queries; two for a patient). It is not activity of the session: the idle timeout ignores heartbeats."""
    if user.is_clinician:  # only clinicians' presence is shown
        services.presence_seen(user=user)
    services.live_socket_seen(socket_id=socket_id)
    return thread_positions(user)


_live_socket_close = live_db(services.live_socket_close)
_idle_deadline = live_db(sessions.idle_deadline)
_session_touch = live_db(sessions.session_touch)


def _thread_id(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise ProtocolError("invalid", "thread must be a thread id") from None


class LiveConsumer(AsyncWebsocketConsumer):
    inbound_types = tuple(INBOUND_FIELDS)

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        self.user = user
        self.joined: set[str] = set()
        self.workspace_ids: set[str] = set()
        self.bucket = TokenBucket(RATE_CAPACITY, RATE_PER_SECOND)
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        self.session_fingerprint = session_fingerprint(self.session_key)
        # Clinicians are signed out after CLINICIAN_IDLE_TIMEOUT_MINUTES without a request; the
        # socket follows the session's idle time and closes with it (heartbeats do not count).
        self.idle_applies = user.is_care_staff
        self.opened_at = time.time()
        # Joined before the positions are read, so a message stored after that read is
        # announced to this socket (its event waits in ``held`` for the client's first frame).
        await self._join(user_group(user.pk))
        # One trip to the database thread for every check and read of the opening.
        opening = await _opening(
            user,
            session,
            session_fingerprint=self.session_fingerprint,
            idle_applies=self.idle_applies,
            opened_at=self.opened_at,
        )
        if opening.refused == CLOSE_TOO_MANY_SOCKETS:
            # Accepted, then closed at once: a browser sees the close code only after accept.
            await self.accept()
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return
        if opening.refused is not None:
            await self.close(code=opening.refused)
            return
        # The socket's texts (error details from the services) in the person's language; the
        # activation holds for this consumer's task, so for every frame it handles.
        translation.activate(opening.language)
        self.idle_until = opening.idle_until
        self.socket_id = opening.slot.pk
        # A clinician's presence was counted with the slot, in the same transaction.
        self.presence_counted = user.is_clinician
        self.last_frame = time.monotonic()
        await self._sync_app_groups(opening.app_groups)
        self.workspace_ids = opening.workspace_ids
        # Baseline: threads the client does not resume start from "now". The same query gives
        # the threads this user may read, kept for the socket's life and re-computed on
        # access.changed (receipts are filtered with it; message reads check in their query).
        self.delivered: dict[str, int] = opening.positions
        self.readable: set[str] = set(self.delivered)
        self.read_sent: dict[str, int] = {}
        self.user_checked = time.monotonic()
        # New messages wait for the client's first frame (normally ``resume``): pushed before
        # it, they would arrive ahead of the ones the resume asks for, and a client that keeps
        # "the highest sequence seen" would resume past messages it never got.
        self.held: set[str] | None = set()
        await self.accept()
        await self._out({"type": "hello", "user": str(user.pk), "max_frame_bytes": MAX_FRAME_BYTES})
        self.watch = asyncio.ensure_future(self._watch())

    async def disconnect(self, code):
        watch = getattr(self, "watch", None)
        if watch is not None and watch is not asyncio.current_task():
            watch.cancel()
        socket_id = getattr(self, "socket_id", None)
        if socket_id is not None:
            self.socket_id = None
            await _live_socket_close(socket_id=socket_id)
        for group in list(getattr(self, "joined", ())):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = set()
        if getattr(self, "presence_counted", False):
            self.presence_counted = False
            await _presence_disconnect(user=self.user)

    async def _watch(self) -> None:
        """Close the socket when its client fell silent (no frame, not even a heartbeat, for
        LIVE_SOCKET_SILENT_SECONDS) or, for a clinician, when the session falls idle. Sleeps
        until the next of the two deadlines; the session is re-read only when its idle deadline
        has come (a request since then moves it on)."""
        silent = settings.LIVE_SOCKET_SILENT_SECONDS
        while True:
            wait = self.last_frame + silent - time.monotonic()
            if wait <= 0:
                await self.close(code=CLOSE_SILENT)
                return
            if self.idle_applies:
                if self.idle_until is None or self.idle_until <= time.time():
                    self.idle_until = await _idle_deadline(self.session_key, since=self.opened_at)
                    if self.idle_until is None or self.idle_until <= time.time():
                        await self.close(code=CLOSE_SIGNED_OUT)
                        return
                wait = min(wait, self.idle_until - time.time())
            await asyncio.sleep(max(wait, 0.05))

    # --- helpers ---------------------------------------------------------------------------

    async def _out(self, frame: dict) -> None:
        await self.send(text_data=json.dumps({"v": PROTOCOL_VERSION, **frame}))

    async def _error(self, code: str, detail: str, ref=None) -> None:
        frame = {"type": "error", "code": code, "detail": detail}
        if ref is not None:
            frame["ref"] = ref
        await self._out(frame)

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.add(group)

    async def _sync_workspaces(self) -> None:
        # Workspace events come to the user's own group (their audience is computed when they
        # are published); this set is a cheap first check before the database one.
        self.workspace_ids = await _visible_workspace_ids(self.user)

    async def _readable(self, thread_id: str) -> bool:
        """Whether this user may read the thread: from the set kept on the socket; a thread not
        in it (created, or joined, since) is checked once against the database."""
        if thread_id in self.readable:
            return True
        if await _may_read(self.user, thread_id):
            self.readable.add(thread_id)
            return True
        return False

    async def _deliver_after(self, thread_id: str) -> None:
        """Send every message after the last one delivered on this socket, in order. The read
        checks participation in the same query, so a removed member gets nothing."""
        while True:
            after = self.delivered.get(thread_id, 0)
            batch = await _messages_after(self.user, thread_id, after)
            for payload in batch:
                await self._out({"type": "message", "message": payload})
                self.delivered[thread_id] = payload["sequence"]
            if len(batch) < CATCH_UP_BATCH:
                return

    # --- inbound ---------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            await self._error("binary_not_supported", "send JSON text frames")
            return
        if len(text_data.encode(errors="surrogatepass")) > MAX_FRAME_BYTES:
            await self._error("too_large", f"frames are limited to {MAX_FRAME_BYTES} bytes")
            return
        self.last_frame = time.monotonic()
        if not self.bucket.take():
            await self._error("rate_limited", "too many frames; slow down and retry")
            return
        try:
            frame = loads_checked(text_data)
        except InputRefused as refused:
            await self._error(refused.code, str(refused.message))
            return
        except ValueError:
            await self._error("malformed", "the frame is not valid JSON")
            return
        if not isinstance(frame, dict):
            await self._error("malformed", "the frame must be a JSON object")
            return
        kind = frame.get("type")
        ref = frame.get("client_id") if isinstance(frame.get("client_id"), str) else None
        try:
            if frame.get("v") != PROTOCOL_VERSION:
                raise ProtocolError(
                    "unsupported_version", f"use protocol version {PROTOCOL_VERSION}"
                )
            if kind not in INBOUND_FIELDS:
                raise ProtocolError("unknown_type", "this message type is not known")
            extra = set(frame) - INBOUND_FIELDS[kind] - {"v", "type"}
            if extra:
                raise ProtocolError("unexpected_field", f"not allowed: {', '.join(sorted(extra))}")
            # A backstop only: deactivation closes the socket at once through access.changed.
            due = time.monotonic() - self.user_checked >= USER_RECHECK_SECONDS
            if due and not await self._refresh_user():
                return
            await getattr(self, f"_on_{kind}")(frame)
        except ProtocolError as error:
            await self._error(error.code, error.detail, ref)
        except Http404:
            await self._error("not_found", "no such thread", ref)
        except ValidationError as error:
            await self._error("invalid", " ".join(error.messages), ref)
        if self.held is not None:
            await self._release_held()

    async def _release_held(self) -> None:
        held, self.held = self.held, None
        for thread_id in held:
            await self._deliver_after(thread_id)

    async def _on_ping(self, frame):
        # The heartbeat is also the safety net under the channel layer: one query gives the
        # last sequence of every thread this user may read, and anything beyond what this socket
        # delivered is sent now. A layer event lost for good (a Redis outage, a subscription
        # that did not come back) then costs one heartbeat of latency, never a message.
        positions = await _heartbeat(self.user, self.socket_id)
        self.readable = set(positions)
        for thread_id, last in positions.items():
            if last > self.delivered.get(thread_id, 0):
                if self.held is not None:
                    self.held.add(thread_id)
                else:
                    await self._deliver_after(thread_id)
        await self._out({"type": "pong"})

    async def _on_resume(self, frame):
        threads = frame.get("threads")
        if not isinstance(threads, dict) or len(threads) > MAX_RESUME_THREADS:
            raise ProtocolError("invalid", "threads must map up to 200 thread ids to sequences")
        positions = {}
        for raw_id, sequence in threads.items():
            if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
                raise ProtocolError("invalid", "each sequence must be a whole number")
            positions[_thread_id(raw_id)] = sequence
        missing = []
        for thread_id, sequence in positions.items():
            if not await self._readable(thread_id):
                missing.append(thread_id)
                continue
            known = self.delivered.get(thread_id)
            self.delivered[thread_id] = sequence
            # Nothing to read when the client is already at the thread's last message as this
            # socket read it (anything stored since was announced, and waits in ``held``).
            if known is None or sequence < known:
                await self._deliver_after(thread_id)
        await self._out({"type": "resumed", "not_found": missing})

    async def _on_send(self, frame):
        thread_id = _thread_id(frame.get("thread"))
        message, created = await _send(
            self.user, thread_id, frame.get("client_id"), frame.get("body")
        )
        if created and self.idle_applies:
            # Writing a message is a real action of the person: it keeps the session from
            # falling idle, as a request does. Pings, resumes and read marks do not.
            now = time.time()
            await _session_touch(self.session_key, now=now)
            self.idle_until = now + settings.CLINICIAN_IDLE_TIMEOUT_MINUTES * 60
        self.readable.add(thread_id)
        await self._out(
            {
                "type": "ack",
                "client_id": str(message.client_id),
                "thread": thread_id,
                "id": str(message.pk),
                "sequence": message.sequence,
            }
        )
        # The sender's own socket has the stored message in hand: when it is the next one this
        # socket owes, send it now instead of reading it back on the layer event (which then
        # finds nothing new).
        if created and self.delivered.get(thread_id) == message.sequence - 1:
            payload = RECENT.get(thread_id, message.sequence) or message_payload(
                message, attachments=[]
            )
            await self._out({"type": "message", "message": payload})
            self.delivered[thread_id] = message.sequence
        elif created and self.delivered.get(thread_id, 0) < message.sequence - 1:
            # A gap before this socket's own message: the events for it are late or were lost.
            # Read it all from the database now rather than wait for an event that may not come.
            if self.held is not None:
                self.held.add(thread_id)
            else:
                await self._deliver_after(thread_id)

    async def _on_read(self, frame):
        thread_id = _thread_id(frame.get("thread"))
        sequence = frame.get("sequence")
        # A read mark never moves back, so a repeat of what this socket already recorded
        # changes nothing: skip the write (a client may send one per message shown).
        if isinstance(sequence, int) and sequence <= self.read_sent.get(thread_id, -1):
            return
        recorded = await _mark_read(self.user, thread_id, sequence)
        self.read_sent[thread_id] = max(recorded, self.read_sent.get(thread_id, 0))

    # --- from the channel layer ------------------------------------------------------------

    async def message_event(self, event):
        thread_id = event.get("thread")
        sequence = event.get("sequence")
        if not isinstance(thread_id, str) or not isinstance(sequence, int):
            return
        if event.get("kind") == "updated" and sequence <= self.delivered.get(thread_id, 0):
            payload = await _message_at(self.user, thread_id, sequence)
            if payload is not None:
                await self._out({"type": "message", "message": payload})
            return
        if sequence > self.delivered.get(thread_id, 0):
            if self.held is not None:  # the client has not said where it is yet
                self.held.add(thread_id)
                return
            if sequence == self.delivered.get(thread_id, 0) + 1 and thread_id in self.readable:
                # The very next message, announced to this user's group: its audience was the
                # thread's participants, read under the thread's lock when it was stored. It is
                # sent as this process kept it, or read by its thread and sequence alone; a gap
                # (or a thread this socket is not authorized for) reads everything after the
                # socket's position with the participation check in the query.
                kept = RECENT.get(thread_id, sequence) or await _announced(thread_id, sequence)
                if kept is not None:
                    await self._out({"type": "message", "message": kept})
                    self.delivered[thread_id] = sequence
                    return
            await self._deliver_after(thread_id)

    async def receipt_event(self, event):
        thread_id = event.get("thread")
        if isinstance(thread_id, str) and await self._readable(thread_id):
            await self._out(
                {
                    "type": "receipt",
                    "thread": thread_id,
                    "user": event.get("user"),
                    "sequence": event.get("sequence"),
                }
            )

    async def live_event(self, event):
        workspace_id = event.get("workspace")
        if workspace_id not in self.workspace_ids:
            return
        if not await _may_see_event(self.user, workspace_id, event.get("section")):
            return
        await self._out(
            {
                "type": "event",
                "kind": event.get("kind"),
                "workspace": workspace_id,
                "section": event.get("section"),
                "data": event.get("data") or {},
            }
        )

    async def _refresh_user(self) -> bool:
        """Re-read the account; a deactivated or removed one closes the socket (False)."""
        user = await _reload_user(self.user.pk)
        if user is None:
            await self.close(code=CLOSE_ACCESS_ENDED)
            return False
        self.user = user
        translation.activate(await _language_of(user))
        self.user_checked = time.monotonic()
        return True

    async def _sync_app_groups(self, known: list | None = None) -> None:
        wanted = set(known if known is not None else await _app_groups(self.user))
        kept = getattr(self, "app_groups", set())
        for group in kept - wanted:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.joined.discard(group)
        for group in wanted - kept:
            await self._join(group)
        self.app_groups = wanted

    async def live_broadcast(self, event):
        """An event for an audience an app keeps (the group is the permission): ids only."""
        await self._out({"type": "event", "kind": event.get("kind"), "workspace": None,
                         "section": None, "data": event.get("data") or {}})  # fmt: skip

    async def access_changed(self, event):
        if not await self._refresh_user():
            return
        await self._sync_app_groups()
        await self._sync_workspaces()
        positions = await _thread_positions(self.user)
        for thread_id in self.readable - set(positions):
            self.delivered.pop(thread_id, None)
        for thread_id, sequence in positions.items():
            self.delivered.setdefault(thread_id, sequence)
        self.readable = set(positions)
        await self._out({"type": "access_changed", "workspace": event.get("workspace")})

    async def session_ended(self, event):
        if self.session_fingerprint and event.get("session") == self.session_fingerprint:
            await self.close(code=CLOSE_SIGNED_OUT)

    async def sessions_ended(self, event):
        """The person's sessions were ended (password changed or reset): every socket closes,
        those of the one kept session to reconnect under its renewed key."""
        keep = event.get("keep")
        if keep and keep == self.session_fingerprint:
            await self.close(code=CLOSE_SESSION_RENEWED)
        else:
            await self.close(code=CLOSE_SIGNED_OUT)
