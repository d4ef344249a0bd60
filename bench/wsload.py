"""A bounded websocket load: pairs of sockets, each sending a fixed number of messages to the
other, measured from send to delivery on the peer socket.

The same load runs against three targets, which differ only in how a frame is written and read:

* ``live``: the product's ``/ws/live/`` (a ``send`` frame; delivery is the ``message`` frame
  carrying the same ``client_id`` on the peer's socket);
* ``relay``: a bare relay (the Channels consumer in ``bench.relay`` or the ``websockets`` server
  in ``bench.bare_ws``): the frame itself comes back to everyone in the room.

Each sender keeps at most ``window`` messages in flight (sent, not yet delivered to its peer).
All sockets connect first; the clock starts when every socket is ready. Everything stops at
``timeout`` seconds whatever happens; what did not arrive by then is counted as lost.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

BODY = "How are you getting on with the breathing exercise this week?"


@dataclass
class Socket:
    url: str
    kind: str  # "live" or "relay"
    cookie: str | None = None  # session key for "live"
    origin: str | None = None
    thread: str | None = None
    seq_base: int | None = None  # "relay" frames carry n = seq_base + k (the persisted relay)
    resume: dict | None = None  # the threads a "live" socket resumes (thread id -> sequence)


@dataclass
class _State:
    messages: int
    window: int
    sent: dict = field(default_factory=dict)  # client id -> (t_sent, sender index)
    seen: dict = field(default_factory=dict)  # client id -> deliveries to the peer
    latencies: list = field(default_factory=list)
    delivered: int = 0
    duplicates: int = 0
    errors: dict = field(default_factory=dict)
    last_delivery: float = 0.0
    expected: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _open(sock: Socket, open_timeout: float):
    headers = {"Cookie": f"sessionid={sock.cookie}"} if sock.cookie else None
    ws = await connect(
        sock.url,
        origin=sock.origin,
        additional_headers=headers,
        ping_interval=None,
        open_timeout=open_timeout,
        max_size=2**20,
        max_queue=None,
    )
    if sock.kind == "live":
        hello = json.loads(await asyncio.wait_for(ws.recv(), open_timeout))
        if hello.get("type") != "hello":
            raise RuntimeError(f"expected hello, got {hello.get('type')}")
        # As every real client does (live.js): say where it is, so that the socket starts
        # pushing new messages (it holds them until the client's first frame).
        threads = sock.resume or {}
        await ws.send(json.dumps({"v": hello.get("v", 1), "type": "resume", "threads": threads}))
        resumed = json.loads(await asyncio.wait_for(ws.recv(), open_timeout))
        if resumed.get("type") != "resumed":
            raise RuntimeError(f"expected resumed, got {resumed.get('type')}")
    return ws


async def open_all(
    socks: list[Socket],
    *,
    concurrency: int = 50,
    open_timeout: float = 60,
    tolerate=False,
    retries: int = 0,
    retried: list | None = None,
):
    """Connect every socket, ``concurrency`` handshakes at a time. With ``tolerate``, failed
    handshakes come back as exceptions in place of connections instead of raising. With
    ``retries``, a failed handshake is tried again (after a short pause) up to that many times;
    each retry is appended to ``retried``."""
    gate = asyncio.Semaphore(concurrency)

    async def one(sock):
        for attempt in range(retries + 1):
            try:
                async with gate:
                    return await _open(sock, open_timeout)
            except (OSError, TimeoutError, WebSocketException, RuntimeError):
                if attempt == retries:
                    raise
                if retried is not None:
                    retried.append(sock.url)
                await asyncio.sleep(0.5 * (attempt + 1))

    return await asyncio.gather(*(one(s) for s in socks), return_exceptions=tolerate)


async def run_pairs(
    pairs: list[tuple[Socket, Socket]],
    *,
    messages: int,
    window: int = 4,
    timeout: float = 60.0,
    settle: float = 1.0,
    rate: float | None = None,
) -> dict:
    """Run the load; returns figures and the client ids delivered (for the database check).

    Closed loop by default: every socket sends ``messages``, at most ``window`` unanswered at a
    time. With ``rate`` (messages a second), open loop: ``messages`` in all, one every
    ``1/rate`` seconds whatever the answers, from the sockets in turn (a realistic load, for
    latency rather than throughput)."""
    socks = [s for pair in pairs for s in pair]
    t_connect = time.perf_counter()
    # A busy machine makes Daphne drop a handshake now and then (it waits at most 5 s for the
    # connect): retried, and counted in the result.
    retried: list = []
    conns = await open_all(socks, retries=3, retried=retried)
    connect_seconds = time.perf_counter() - t_connect
    expected = messages if rate else len(socks) * messages
    state = _State(messages=messages, window=window, expected=expected)
    gates = [asyncio.Semaphore(window) for _ in socks]
    peer = {}
    for i in range(0, len(socks), 2):
        peer[i], peer[i + 1] = i + 1, i

    def arrived(me: int, cid: str) -> None:
        origin = state.sent.get(cid)
        if origin is None or origin[1] == me:
            return  # our own message echoed back, or not from this run
        count = state.seen.get(cid, 0) + 1
        state.seen[cid] = count
        if count > 1:
            state.duplicates += 1
            return
        now = time.perf_counter()
        state.latencies.append(now - origin[0])
        state.delivered += 1
        state.last_delivery = now
        gates[origin[1]].release()
        if state.delivered >= state.expected:
            state.done.set()

    async def reader(me: int, ws, kind: str):
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if kind == "live":
                    kind_ = frame.get("type")
                    if kind_ == "message":
                        arrived(me, frame["message"]["client_id"])
                    elif kind_ == "error":
                        code = frame.get("code", "?")
                        state.errors[code] = state.errors.get(code, 0) + 1
                else:
                    arrived(me, frame["c"])
        except ConnectionClosed:
            pass

    async def send_one(me: int, ws, sock: Socket, k: int):
        cid = str(uuid.uuid4())
        state.sent[cid] = (time.perf_counter(), me)
        if sock.kind == "live":
            frame = {"v": 1, "type": "send", "thread": sock.thread, "client_id": cid}
            frame["body"] = BODY
        else:
            frame = {"c": cid, "from": me, "body": BODY}
            if sock.seq_base is not None:
                frame["n"] = sock.seq_base + k
        await ws.send(json.dumps(frame))

    async def writer(me: int, ws, sock: Socket):
        for k in range(messages):
            await gates[me].acquire()
            await send_one(me, ws, sock, k)

    async def pacer():
        counts = [0] * len(socks)
        start = time.perf_counter()
        for n in range(messages):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            # Every socket in turn, patients and clinicians alike (a stride prime to the count).
            me = (n * 7919) % len(socks)
            await send_one(me, conns[me], socks[me], counts[me])
            counts[me] += 1

    readers = [
        asyncio.create_task(reader(i, ws, s.kind))
        for i, (ws, s) in enumerate(zip(conns, socks, strict=True))
    ]
    t0 = time.perf_counter()
    if rate:
        writers = [asyncio.create_task(pacer())]
    else:
        writers = [
            asyncio.create_task(writer(i, ws, s))
            for i, (ws, s) in enumerate(zip(conns, socks, strict=True))
        ]
    timed_out = False
    try:
        await asyncio.wait_for(state.done.wait(), timeout)
    except TimeoutError:
        timed_out = True
    await asyncio.sleep(settle)  # late duplicates would show here
    for task in writers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    for task in readers:
        task.cancel()
    await asyncio.gather(*writers, *readers, return_exceptions=True)
    elapsed = (state.last_delivery or time.perf_counter()) - t0
    sent = len(state.sent)
    return {
        "pairs": len(pairs),
        "sockets": len(socks),
        "messages_per_socket": None if rate else messages,
        "rate_per_s": rate,
        "window": window,
        "expected": state.expected,
        "sent": sent,
        "delivered": state.delivered,
        "unsent": state.expected - sent,
        "lost": sent - state.delivered,
        "duplicated": state.duplicates,
        "errors": state.errors,
        "timed_out": timed_out,
        "connect_seconds": round(connect_seconds, 3),
        "handshakes_retried": len(retried),
        "seconds": round(elapsed, 3),
        "throughput_per_s": round(state.delivered / elapsed, 1) if elapsed > 0 else None,
        "latency_ms": {
            "p50": _ms(percentile(state.latencies, 50)),
            "p90": _ms(percentile(state.latencies, 90)),
            "p99": _ms(percentile(state.latencies, 99)),
            "max": _ms(max(state.latencies) if state.latencies else None),
        },
        "delivered_client_ids": sorted(c for c, n in state.seen.items() if n),
        "sent_client_ids": sorted(state.sent),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)
