"""A proven cluster (docs/benchmarks.md, "Cluster"): three Daphne processes behind HAProxy from
Debian's packages, on PostgreSQL and one Redis. Patients and clinicians connect through the
proxy as browsers would; the proxy spreads them over the processes, and every conversation
whose two sides sit on different processes arrives whole: nothing lost, nothing twice, in order.

Runs on PostgreSQL (CI's second pass); elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.cluster import haproxy, haproxy_binary
from tests.integration.test_messaging_reliability import (
    ON_POSTGRES,
    LiveClient,
    run_bounded,
    sign_in,
)
from tests.servers import daphne_servers, manage, redis_server, shared_database

pytestmark = [pytest.mark.django_db] if ON_POSTGRES else []

PAIRS = 6
PER_SENDER = 12

SET_UP = """
import json
import uuid
from messaging import services
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for
pairs = []
for n in range(PAIRS):
    tag = uuid.uuid4().hex[:8]
    patient = PatientFactory(email=f"cluster-patient-{n}-{tag}@example.test")
    gp = GPFactory(email=f"cluster-gp-{n}-{tag}@example.test")
    workspace = workspace_for(patient)
    add_member(workspace, gp, [])
    thread = services.team_thread_for(workspace=workspace)
    pairs.append({"patient": patient.email, "gp": gp.email, "thread": str(thread.pk)})
print(json.dumps(pairs))
""".replace("range(PAIRS)", f"range({PAIRS})")


@pytest.fixture(scope="module")
def cluster(migrated_template, tmp_path_factory):
    if not ON_POSTGRES:
        pytest.skip("the cluster runs on PostgreSQL: set DATABASE_URL=postgres://...")
    proxy_binary = haproxy_binary()
    redis_binary = shutil.which("redis-server")
    if redis_binary is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("the redis-server binary is not on PATH, and REQUIRE_SERVICES=1")
        pytest.skip("the redis-server binary is not on PATH")
    folder = tmp_path_factory.mktemp("cluster")
    with (
        redis_server(redis_binary) as redis,
        shared_database(folder, template=migrated_template) as db,
    ):
        env = {**db.env, "REDIS_URL": redis.url, "LOG_LEVEL": "WARNING"}
        with ThreadPoolExecutor(1) as pool:
            seeding = pool.submit(manage, "shell", "-c", SET_UP, env=env)
            with (
                daphne_servers(3, env=env, migrate=False, timeout=180) as backends,
                haproxy(proxy_binary, backends) as proxy,
            ):
                pairs = json.loads(seeding.result(timeout=120).strip().splitlines()[-1])
                yield {"proxy": proxy, "pairs": pairs, "db": db}


def _served_by(client: LiveClient) -> str:
    return client.ws.response.headers.get("X-Served-By", "")


async def _open_apart(patient: LiveClient, gp: LiveClient) -> None:
    """Open both sockets through the proxy so that they land on different processes (the
    proxy goes round-robin, so at most a few tries)."""
    await patient.open()
    await gp.open()
    for _ in range(6):
        if _served_by(gp) != _served_by(patient):
            return
        await gp.close()
        gp.reader = gp.beat = gp.ws = None
        await gp.open()
    raise AssertionError("the proxy kept both sides on one process")


async def test_conversations_across_three_processes_behind_the_proxy_lose_nothing(cluster):
    proxy, pairs = cluster["proxy"], cluster["pairs"]
    clients = []
    for n, pair in enumerate(pairs):
        clients.append(
            (
                LiveClient(f"patient{n}", proxy, sign_in(proxy, pair["patient"]), pair["thread"]),
                LiveClient(f"gp{n}", proxy, sign_in(proxy, pair["gp"]), pair["thread"]),
            )
        )

    async def conversation(patient: LiveClient, gp: LiveClient):
        await _open_apart(patient, gp)

        async def talk(client, who):
            for k in range(PER_SENDER):
                await client.send(f"{who} {k}")

        await asyncio.gather(talk(patient, "patient"), talk(gp, "gp"))
        await asyncio.gather(patient.wait_for(2 * PER_SENDER, 20), gp.wait_for(2 * PER_SENDER, 20))

    try:
        await run_bounded(asyncio.gather(*(conversation(p, g) for p, g in clients)), timeout=120)
        processes = {_served_by(c) for pair in clients for c in pair}
    finally:
        await asyncio.gather(*(c.close() for pair in clients for c in pair), return_exceptions=True)
    assert len(processes) == 3, f"the proxy used {processes}"
    total = 2 * PER_SENDER
    for patient, gp in clients:
        for client in (patient, gp):
            assert client.sequences == list(range(1, total + 1)), client.name
            assert client.errors == {}, (client.name, client.errors)
    for pair in pairs:
        rows = cluster["db"].fetch(
            "SELECT count(*), count(DISTINCT client_id), max(sequence) FROM messaging_message"
            " WHERE thread_id = %s",
            (pair["thread"],),
        )
        assert rows == [(total, total, total)], pair
