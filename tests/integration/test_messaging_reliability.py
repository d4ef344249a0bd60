"""Messaging does not lose, duplicate or reorder anything across real processes (QUALITY.md,
"Messaging reliability").

Two Daphne processes share one database (a SQLite file in WAL mode, or a PostgreSQL database
made for this module when ``DATABASE_URL`` points to PostgreSQL) and one ``redis-server`` that
this module starts on a free port, so that it can kill and restart it without touching the
shared Redis. Clients are real websocket clients: they sign in over HTTP like a browser (CSRF
token, session cookie) and open ``/ws/live/`` with that cookie and the site's Origin. They
follow docs/live-protocol.md: a send is retried with the same ``client_id`` until it is
acknowledged, and a closed socket is reopened with ``resume``.

Without the ``redis-server`` binary the module is skipped with a visible reason, except with
REQUIRE_SERVICES=1 (CI), where that is a failure. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from tests.factories import PASSWORD
from tests.servers import daphne_servers, manage, redis_server, shared_database

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
# The tests read the servers' database, not pytest-django's. On PostgreSQL the mark makes
# pytest-django create its test database even when this module runs alone, to be copied.
pytestmark = [pytest.mark.django_db] if ON_POSTGRES else []

ACK_TIMEOUT = 3.0  # seconds a client waits for an ack before sending again (same client id)
CASE_TIMEOUT = 30.0  # no case may take longer than this, whatever happens

# Three conversations, one per case, so the cases do not see each other's messages.
SET_UP = """
import json
import uuid
from messaging import services
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for
people = {}
for case in ("fanout", "restart", "slow", "rejoin"):
    tag = uuid.uuid4().hex[:8]
    patient = PatientFactory(email=f"{case}-patient-{tag}@example.test")
    gp = GPFactory(email=f"{case}-gp-{tag}@example.test")
    workspace = workspace_for(patient)
    add_member(workspace, gp, [])
    thread = services.team_thread_for(workspace=workspace)
    people[case] = {
        "patient": patient.email, "patient_id": str(patient.pk),
        "gp": gp.email, "gp_id": str(gp.pk), "thread": str(thread.pk),
    }
print(json.dumps(people))
"""


@pytest.fixture(scope="module")
def redis_binary():
    path = shutil.which("redis-server")
    if path is None:
        reason = "the redis-server binary is not on PATH"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}, and REQUIRE_SERVICES=1 says it must be (apt-get install redis)")
        pytest.skip(f"{reason}: multi-process reliability tests skipped (apt-get install redis)")
    return path


@dataclass
class Site:
    a: str  # base URL of process A
    b: str  # base URL of process B
    redis: object
    db: object
    people: dict


@pytest.fixture(scope="module")
def site(redis_binary, migrated_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reliability")
    with (
        redis_server(redis_binary) as redis,
        shared_database(folder, template=migrated_template) as db,
    ):
        env = {**db.env, "REDIS_URL": redis.url, "LOG_LEVEL": "WARNING"}
        with ThreadPoolExecutor(1) as pool:  # the people are made while the servers start
            seeding = pool.submit(manage, "shell", "-c", SET_UP, env=env)
            # Generous start-up time: two servers, the seeding and a busy shared machine.
            with daphne_servers(2, env=env, migrate=False, timeout=120) as (a, b):
                people = json.loads(seeding.result(timeout=120).strip().splitlines()[-1])
                yield Site(a=a, b=b, redis=redis, db=db, people=people)


def sign_in(base_url: str, email: str) -> str:
    """Sign in through the login form as a browser does; returns the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = base_url + "/accounts/login/"
    with opener.open(login, timeout=10) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        login, data=data, headers={"Origin": base_url, "Referer": login}
    )
    with opener.open(request, timeout=10) as response:
        assert "/accounts/login/" not in response.url, f"sign-in failed for {email}"
    return next(c.value for c in jar if c.name == "sessionid")


@dataclass
class LiveClient:
    """One browser tab's socket, as docs/live-protocol.md describes the client."""

    name: str
    base_url: str
    session: str
    thread: str
    max_queue: int | None = 64
    sequences: list[int] = field(default_factory=list)  # every message frame, in arrival order
    client_ids: dict[int, str] = field(default_factory=dict)
    connects: int = 0
    resends: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    ws: object = None
    reader: asyncio.Task | None = None
    acks: dict[str, asyncio.Future] = field(default_factory=dict)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # live.js pings every 20 s; a ping also catches up what a lost layer event did not bring.
    # The test's clients beat faster so that a lost event costs seconds, not the test's budget.
    heartbeat: float = 2.0
    beat: asyncio.Task | None = None

    @property
    def last(self) -> int:
        return max(self.sequences, default=0)

    async def open(self, resume: bool = True) -> None:
        """Connect (again), retrying until the server takes the socket; then ``resume`` from the
        last sequence seen (a first connection resumes from 0: the whole thread)."""
        delay = 0.1
        while True:
            try:
                ws = await connect(
                    self.base_url.replace("http://", "ws://") + "/ws/live/",
                    origin=self.base_url,
                    additional_headers={"Cookie": f"sessionid={self.session}"},
                    open_timeout=5,
                    ping_interval=None,
                    max_queue=self.max_queue,
                )
                hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
                assert hello["type"] == "hello", hello
                break
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed):
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
        self.ws = ws
        self.connects += 1
        self.reader = asyncio.create_task(self._read(ws))
        if self.beat is None or self.beat.done():
            self.beat = asyncio.create_task(self._beat())
        if resume:
            await self.resume()

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            with contextlib.suppress(ConnectionClosed, AttributeError):
                await self.ws.send(json.dumps({"v": 1, "type": "ping"}))

    async def resume(self) -> None:
        await self.ws.send(
            json.dumps({"v": 1, "type": "resume", "threads": {self.thread: self.last}})
        )

    async def _read(self, ws) -> None:
        try:
            async for raw in ws:
                frame = json.loads(raw)
                kind = frame["type"]
                if kind == "message" and frame["message"]["thread"] == self.thread:
                    sequence = frame["message"]["sequence"]
                    self.sequences.append(sequence)
                    self.client_ids.setdefault(sequence, frame["message"]["client_id"])
                    self.arrived.set()
                elif kind == "ack":
                    future = self.acks.get(frame["client_id"])
                    if future is not None and not future.done():
                        future.set_result(frame)
                elif kind == "error":
                    self.errors[frame["code"]] = self.errors.get(frame["code"], 0) + 1
        except ConnectionClosed:
            pass

    async def send(self, body: str) -> dict:
        """Send once, as seen from the database: the same client id until acknowledged."""
        client_id = str(uuid.uuid4())
        future = asyncio.get_running_loop().create_future()
        self.acks[client_id] = future
        frame = json.dumps(
            {"v": 1, "type": "send", "thread": self.thread, "client_id": client_id, "body": body}
        )
        attempt = 0
        while True:
            if attempt:
                self.resends += 1
            attempt += 1
            if self.ws is None or self.reader.done():
                await self.open()
            try:
                await self.ws.send(frame)
                return await asyncio.wait_for(asyncio.shield(future), ACK_TIMEOUT)
            except (ConnectionClosed, TimeoutError):
                continue

    async def wait_for(self, count: int, timeout: float) -> None:
        """Until this socket has shown ``count`` messages (reopening it if it was closed)."""
        deadline = time.monotonic() + timeout
        while self.last < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if self.reader.done():
                await self.open()
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(remaining, 0.5))

    async def close(self) -> None:
        if self.beat is not None:
            self.beat.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait_for(self.reader, 5)


def stored(site: Site, thread: str) -> list[tuple[int, str, str]]:
    """(sequence, client id, sender id) of every message in the thread, by sequence."""
    rows = site.db.fetch(
        "SELECT sequence, client_id, sender_id FROM messaging_message"
        " WHERE thread_id = %s ORDER BY sequence",
        (thread.replace("-", "") if site.db.engine == "sqlite" else thread,),
    )
    return [
        (seq, str(uuid.UUID(str(cid))), str(uuid.UUID(str(sender)))) for seq, cid, sender in rows
    ]


def assert_consistent(site, thread, sent: list[tuple[str, list[str]]], clients: list[LiveClient]):
    """The database holds every acknowledged message exactly once, numbered 1..N without a gap,
    each socket's messages in the order it sent them; every client showed 1..N once, in
    order, each sequence carrying the client id the database has for it."""
    rows = stored(site, thread)
    total = sum(len(ids) for _sender, ids in sent)
    assert [seq for seq, _cid, _sender in rows] == list(range(1, total + 1))
    by_client_id = {cid: (seq, sender) for seq, cid, sender in rows}
    assert len(by_client_id) == total
    for sender_id, client_ids in sent:
        assert [by_client_id[cid][1] for cid in client_ids] == [sender_id] * len(client_ids)
        sequences = [by_client_id[cid][0] for cid in client_ids]
        assert sequences == sorted(sequences), "a socket's messages were stored out of order"
    for client in clients:
        assert client.sequences == list(range(1, total + 1)), client.name
        assert client.client_ids == {seq: cid for seq, cid, _sender in rows}, client.name


async def run_bounded(coroutine, timeout: float = CASE_TIMEOUT):
    return await asyncio.wait_for(coroutine, timeout)


async def test_messages_sent_through_one_process_reach_a_socket_on_the_other_in_order(site):
    people = site.people["fanout"]
    per_sender = 18  # with the resume frame, within the socket's burst of 20 frames
    started = time.monotonic()
    patient = LiveClient("patient@A", site.a, sign_in(site.a, people["patient"]), people["thread"])
    gp = LiveClient("gp@B", site.b, sign_in(site.b, people["gp"]), people["thread"])

    async def conversation():
        await patient.open()
        await gp.open()
        sent = [(people["patient_id"], []), (people["gp_id"], [])]

        async def talk(client, acked, who):
            for n in range(per_sender):
                ack = await client.send(f"{who} message {n}")
                acked.append(ack["client_id"])

        await asyncio.gather(talk(patient, sent[0][1], "patient"), talk(gp, sent[1][1], "gp"))
        await asyncio.gather(patient.wait_for(2 * per_sender, 10), gp.wait_for(2 * per_sender, 10))
        return sent

    try:
        sent = await run_bounded(conversation())
    finally:
        await asyncio.gather(patient.close(), gp.close(), return_exceptions=True)
    assert_consistent(site, people["thread"], sent, [patient, gp])
    assert patient.connects == gp.connects == 1
    report(
        "fan-out across two processes",
        sent=2 * per_sender,
        received={c.name: len(c.sequences) for c in (patient, gp)},
        seconds=time.monotonic() - started,
    )


async def test_redis_killed_and_restarted_mid_conversation_loses_and_duplicates_nothing(site):
    people = site.people["restart"]
    per_sender = 24
    killed_at, restarted_at = 6, 18  # of each sender's messages
    started = time.monotonic()
    patient = LiveClient("patient@A", site.a, sign_in(site.a, people["patient"]), people["thread"])
    gp = LiveClient("gp@B", site.b, sign_in(site.b, people["gp"]), people["thread"])
    # A second tab of the GP on process A: it only listens.
    watcher = LiveClient("gp-tab@A", site.a, sign_in(site.a, people["gp"]), people["thread"])
    down = asyncio.Event()
    up = asyncio.Event()
    during_outage = {"acked": 0}

    async def conversation():
        for client in (patient, gp, watcher):
            await client.open()
        sent = [(people["patient_id"], []), (people["gp_id"], [])]
        halfway = [asyncio.Event(), asyncio.Event()]

        async def talk(client, who, index):
            for n in range(per_sender):
                if n == killed_at:
                    halfway[index].set()
                    await down.wait()
                if n == restarted_at:
                    await up.wait()
                ack = await client.send(f"{who} message {n}")
                sent[index][1].append(ack["client_id"])
                if down.is_set() and not up.is_set():
                    during_outage["acked"] += 1
                await asyncio.sleep(0.15)

        async def outage():
            await asyncio.gather(*(event.wait() for event in halfway))
            site.redis.kill()
            down.set()
            await asyncio.sleep(3)  # messages keep being sent while Redis is gone
            await asyncio.to_thread(site.redis.start)
            up.set()

        await asyncio.gather(
            talk(patient, "patient", 0),
            talk(gp, "gp", 1),
            outage(),
        )
        total = 2 * per_sender
        await asyncio.gather(*(c.wait_for(total, 15) for c in (patient, gp, watcher)))
        return sent

    try:
        sent = await run_bounded(conversation(), 45)
    finally:
        if site.redis.process is None:
            site.redis.start()
        await asyncio.gather(*(c.close() for c in (patient, gp, watcher)), return_exceptions=True)
    assert during_outage["acked"] > 0, "no message was sent while Redis was down"
    assert_consistent(site, people["thread"], sent, [patient, gp, watcher])
    report(
        "Redis killed and restarted",
        sent=2 * per_sender,
        sent_while_redis_was_down=during_outage["acked"],
        received={c.name: len(c.sequences) for c in (patient, gp, watcher)},
        resends={c.name: c.resends for c in (patient, gp)},
        connects={c.name: c.connects for c in (patient, gp, watcher)},
        seconds=time.monotonic() - started,
    )


async def test_a_receiver_that_stops_reading_catches_up_without_a_gap(site):
    people = site.people["slow"]
    senders_count, per_sender = 4, 15
    total = senders_count * per_sender
    started = time.monotonic()
    patient_session = sign_in(site.a, people["patient"])
    gp_session = sign_in(site.b, people["gp"])
    # The patient writes from four tabs on process A (the rate limit is per socket).
    senders = [
        LiveClient(f"patient-tab{i}@A", site.a, patient_session, people["thread"])
        for i in range(senders_count)
    ]
    # The GP's tab on B stops reading: frames pile up in its socket and in the server.
    stalled = LiveClient("gp-stalled@B", site.b, gp_session, people["thread"], max_queue=1)
    # Another GP tab goes away early and comes back later with ``resume``.
    away = LiveClient("gp-away@B", site.b, gp_session, people["thread"])
    body = "A longer message, so that the stalled socket fills up. " * 60

    async def conversation():
        for client in (*senders, stalled, away):
            await client.open()
        sent = [(people["patient_id"], []) for _client in senders]

        async def talk(client, index):
            for n in range(per_sender):
                ack = await client.send(f"{index}.{n} {body}")
                sent[index][1].append(ack["client_id"])

        stalled.reader.cancel()  # stop reading: nothing more is taken from this socket
        talking = asyncio.gather(*(talk(client, i) for i, client in enumerate(senders)))
        await away.wait_for(5, 10)  # the other tab leaves mid-conversation
        await away.close()
        await talking
        await asyncio.sleep(1)  # the stalled socket stays unread a while longer
        stalled.reader = asyncio.create_task(stalled._read(stalled.ws))
        await away.open()
        await asyncio.gather(*(c.wait_for(total, 15) for c in (*senders, stalled, away)))
        return sent

    try:
        sent = await run_bounded(conversation())
    finally:
        await asyncio.gather(
            *(c.close() for c in (*senders, stalled, away)), return_exceptions=True
        )
    assert_consistent(site, people["thread"], sent, [*senders, stalled, away])
    assert away.connects == 2
    report(
        "stalled and returning receivers",
        sent=total,
        received={c.name: len(c.sequences) for c in (*senders, stalled, away)},
        resends=sum(c.resends for c in senders),
        seconds=time.monotonic() - started,
    )


async def test_a_client_that_resumes_while_the_conversation_goes_on_gets_each_message_once(site):
    people = site.people["rejoin"]
    started = time.monotonic()
    patient = LiveClient("patient@A", site.a, sign_in(site.a, people["patient"]), people["thread"])
    gp = LiveClient("gp@B", site.b, sign_in(site.b, people["gp"]), people["thread"])

    async def conversation():
        await patient.open()
        await gp.open()
        sent = [(people["patient_id"], [])]
        for n in range(3):
            sent[0][1].append((await patient.send(f"before {n}"))["client_id"])
        await gp.wait_for(3, 10)
        await gp.close()  # the GP's connection drops ...
        for n in range(3):
            sent[0][1].append((await patient.send(f"while away {n}"))["client_id"])
        # ... and comes back; before its ``resume`` reaches the server, the patient writes again.
        await gp.open(resume=False)
        sent[0][1].append((await patient.send("just after the GP came back"))["client_id"])
        await asyncio.sleep(0.5)  # time for the new message to reach the GP's socket, if it would
        await gp.resume()
        await asyncio.gather(patient.wait_for(7, 10), gp.wait_for(7, 10))
        await asyncio.sleep(0.5)  # a late duplicate would show here
        return sent

    try:
        sent = await run_bounded(conversation())
    finally:
        await asyncio.gather(patient.close(), gp.close(), return_exceptions=True)
    assert_consistent(site, people["thread"], sent, [patient, gp])
    report(
        "resume while the conversation goes on",
        sent=7,
        received={c.name: len(c.sequences) for c in (patient, gp)},
        seconds=time.monotonic() - started,
    )


def report(case: str, **figures) -> None:
    """Figures for the record (shown with ``-s``)."""
    figures["seconds"] = round(figures["seconds"], 2)
    print(f"\n[reliability] {case}: {json.dumps(figures)}")
