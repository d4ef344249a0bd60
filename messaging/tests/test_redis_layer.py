"""Scale-out: two Redis pub/sub layer instances (as two server processes would hold) fan out to
each other. Needs Redis at REDIS_TEST_URL (default redis://127.0.0.1:6379); skipped with a
visible reason when it is not reachable, except with REQUIRE_SERVICES=1 (CI), where a missing
Redis fails the test."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from urllib.parse import urlparse

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer

from records.events import user_group

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379")


def _redis_reachable() -> bool:
    parsed = urlparse(REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_layers():
    if not _redis_reachable():
        reason = f"Redis is not reachable at {REDIS_URL}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}, and REQUIRE_SERVICES=1 says it must be")
        pytest.skip(f"{reason} (start it, or set REDIS_TEST_URL)")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    config = {"hosts": [REDIS_URL], "prefix": prefix}
    return RedisPubSubChannelLayer(**config), RedisPubSubChannelLayer(**config)


async def _flush(*layers):
    for layer in layers:
        await layer.flush()


async def test_a_group_send_on_one_process_reaches_a_channel_on_the_other(redis_layers):
    process_a, process_b = redis_layers
    try:
        receiver = await process_b.new_channel()
        await process_b.group_add(user_group("u1"), receiver)
        await asyncio.sleep(0.1)  # let the subscription settle
        event = {"type": "message.event", "kind": "created", "thread": "t1", "sequence": 7}
        await process_a.group_send(user_group("u1"), event)
        assert await asyncio.wait_for(process_b.receive(receiver), 3) == event
        # And back the other way.
        other = await process_a.new_channel()
        await process_a.group_add(user_group("u2"), other)
        await asyncio.sleep(0.1)
        await process_b.group_send(user_group("u2"), {"type": "access.changed", "workspace": None})
        assert (await asyncio.wait_for(process_a.receive(other), 3))["type"] == "access.changed"
    finally:
        await _flush(process_a, process_b)


async def test_a_channel_that_left_the_group_gets_nothing(redis_layers):
    process_a, process_b = redis_layers
    try:
        receiver = await process_b.new_channel()
        await process_b.group_add("workspace.w1", receiver)
        await process_b.group_discard("workspace.w1", receiver)
        await asyncio.sleep(0.1)
        await process_a.group_send("workspace.w1", {"type": "live.event", "kind": "x"})
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(process_b.receive(receiver), 0.5)
    finally:
        await _flush(process_a, process_b)
