"""One benchmark scenario per process: ``python -m bench.scenarios NAME CONFIG.json OUT.json``.

``bench/run.py`` prepares the database and the environment (``VAR_DIR`` or ``DATABASE_URL``,
``REDIS_URL``), runs each scenario with a hard timeout and assembles the report. Each scenario
configures Django itself (``bench.settings``), builds its data, starts the servers it needs and
stops them before it returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import data, sampling, servers  # noqa: E402
from bench.wsload import Socket, open_all, run_pairs  # noqa: E402

TARGETS = ("platform", "channels_relay_persisted", "channels_relay", "websockets_relay")


# --- prepare ---------------------------------------------------------------------------------


def prepare(cfg: dict) -> dict:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    return {"migrate_seconds": round(time.perf_counter() - started, 2)}


# --- messaging -------------------------------------------------------------------------------


def _ws(base: str) -> str:
    return base.replace("http://", "ws://", 1)


def _sockets(target: str, pairs: list[dict], servers_: dict, round_no: int) -> list:
    a, b, bare = servers_["a"], servers_["b"], servers_["bare"]
    result = []
    for i, p in enumerate(pairs):
        if target == "platform":
            result.append(
                (
                    Socket(_ws(a) + "/ws/live/", "live", p["patient_session"], a, p["thread"]),
                    Socket(_ws(b) + "/ws/live/", "live", p["clinician_session"], b, p["thread"]),
                )
            )
        elif target == "channels_relay_persisted":
            room = f"/bench/relay-db/{p['relay_thread']}/"
            base = 1 + 10_000 * round_no
            result.append(
                (
                    Socket(_ws(a) + room, "relay", seq_base=base),
                    Socket(_ws(b) + room, "relay", seq_base=base + 1000),
                )
            )
        elif target == "channels_relay":
            room = f"/bench/relay/r{round_no}x{i}/"
            result.append((Socket(_ws(a) + room, "relay"), Socket(_ws(b) + room, "relay")))
        else:
            room = f"/r{round_no}x{i}"
            result.append((Socket(bare + room, "relay"), Socket(bare + room, "relay")))
    return result


def _db_check(pairs: list[dict], sent_ids: set, delivered_ids: set) -> dict:
    """The database is the truth: every accepted message stored once, sequences without gaps,
    and exactly the stored messages delivered."""
    from django.db.models import Count, Max

    from messaging.models import Message, Thread

    threads = [p["thread"] for p in pairs]
    stored = {
        str(c)
        for c in Message.objects.filter(thread_id__in=threads).values_list("client_id", flat=True)
    }
    gaps = 0
    for row in (
        Message.objects.filter(thread_id__in=threads)
        .values("thread_id")
        .annotate(n=Count("pk"), top=Max("sequence"))
    ):
        last = Thread.objects.get(pk=row["thread_id"]).last_sequence
        if not (row["n"] == row["top"] == last):
            gaps += 1
    return {
        "stored": len(stored),
        "sent": len(sent_ids),
        "sent_not_stored": len(sent_ids - stored),
        "stored_not_delivered": len(stored - delivered_ids),
        "delivered_not_stored": len(delivered_ids - stored),
        "threads_with_gaps": gaps,
        "ok": stored == sent_ids == delivered_ids and gaps == 0,
    }


def _pairs_with_relay(n: int, *, tag: str, relay_tag: str) -> list[dict]:
    """``n`` patient/clinician pairs, each also given a thread of its own for the persisted bare
    relay (``relay_thread``: its sequences are the client's)."""
    pairs = data.messaging_pairs(n, tag=tag)
    for pair, extra in zip(pairs, data.messaging_pairs(n, tag=relay_tag), strict=True):
        pair["relay_thread"] = extra["thread"]
    return pairs


def messaging(cfg: dict) -> dict:
    """The same load on the live socket, the bare Channels relay and the bare websockets relay.
    With ``two_processes``, the patient side connects to one Daphne and the clinician side to
    another (the Redis layer carries every delivery across)."""
    pairs = _pairs_with_relay(cfg["pairs"], tag=cfg.get("tag", "msg"), relay_tag="relaydb")
    env = dict(os.environ)  # the database and layer run.py chose
    runs: dict[str, list] = {t: [] for t in TARGETS}
    daphne_spy = None
    sent_ids: set = set()
    delivered_ids: set = set()
    with contextlib.ExitStack() as stack:
        a, proc_a = stack.enter_context(servers.daphne(env))
        if cfg.get("two_processes"):
            b, proc_b = stack.enter_context(servers.daphne(env))
        else:
            b, proc_b = a, proc_a
        bare, proc_bare = stack.enter_context(servers.bare_websockets(env))
        procs = {proc_a.pid, proc_b.pid}
        # Warm-up, not measured: first connections, imports, query compilation, DB connections.
        for target in TARGETS:
            socks = _sockets(target, pairs, {"a": a, "b": b, "bare": bare}, 99)
            warm = asyncio.run(
                run_pairs(socks, messages=1, window=1, timeout=cfg.get("timeout", 60))
            )
            if target == "platform":
                delivered_ids.update(warm["delivered_client_ids"])
                sent_ids.update(warm["sent_client_ids"])
        for round_no in range(cfg.get("rounds", 1)):
            for target in TARGETS:
                socks = _sockets(target, pairs, {"a": a, "b": b, "bare": bare}, round_no)
                watched = {proc_bare.pid} if target == "websockets_relay" else procs
                cpu_before = sum(servers.cpu_seconds(pid) for pid in watched)
                spy = None
                if target == "platform" and round_no == 0 and cfg.get("profile_dir"):
                    # The first Daphne under the platform's load, sampled by py-spy.
                    stem = f"{cfg.get('profile_stem', 'profile')}-daphne-{cfg['layer']}.raw"
                    spy = daphne_spy = sampling.Recording(
                        proc_a.pid, Path(cfg["profile_dir"]) / stem
                    ).start()
                result = asyncio.run(
                    run_pairs(
                        socks,
                        messages=cfg["messages"],
                        window=cfg.get("window", 4),
                        timeout=cfg.get("timeout", 60),
                    )
                )
                result["server_cpu_seconds"] = round(
                    sum(servers.cpu_seconds(pid) for pid in watched) - cpu_before, 2
                )
                if spy is not None:
                    spy.stop()
                delivered = result.pop("delivered_client_ids")
                sent = result.pop("sent_client_ids")
                if target == "platform":
                    delivered_ids.update(delivered)
                    sent_ids.update(sent)
                result["round"] = round_no
                runs[target].append(result)
    summary = {t: _aggregate(rs) for t, rs in runs.items()}
    db_check = _db_check(pairs, sent_ids, delivered_ids)
    profile = _live_path_profile(cfg, pairs[0]) if cfg.get("profile_dir") else None
    return {
        "live_path": profile,
        "daphne_profile": daphne_spy.summary() if daphne_spy is not None else None,
        "layer": cfg["layer"],
        "database": connection.vendor,
        "processes": 2 if cfg.get("two_processes") else 1,
        "runs": runs,
        "summary": summary,
        "db_check": db_check,
    }


def latency(cfg: dict) -> dict:
    """Open loop at a realistic load: ``rate`` messages a second for ``seconds`` seconds, spread
    over ``latency_pairs`` patient/clinician pairs whose two sides are on two Daphne processes
    (the Redis layer carries every delivery across), on the live socket and on the persisted
    floor (the bare Channels relay with one INSERT per message). Latency at the same load."""
    pairs = _pairs_with_relay(cfg["pairs"], tag="lat", relay_tag="latdb")
    env = dict(os.environ)
    total = int(cfg["rate"] * cfg["seconds"])
    out: dict = {"pairs": cfg["pairs"], "rate_per_s": cfg["rate"], "messages": total}
    with contextlib.ExitStack() as stack:
        a, _proc_a = stack.enter_context(servers.daphne(env))
        b, _proc_b = stack.enter_context(servers.daphne(env))
        for target in ("platform", "channels_relay_persisted"):
            socks = _sockets(target, pairs, {"a": a, "b": b, "bare": None}, 0)
            result = asyncio.run(
                run_pairs(socks, messages=total, rate=cfg["rate"], timeout=cfg["seconds"] + 60)
            )
            result.pop("delivered_client_ids")
            result.pop("sent_client_ids")
            out[target] = result
    live, floor = out["platform"]["latency_ms"], out["channels_relay_persisted"]["latency_ms"]
    out["ratio_p50"] = _ratio(live["p50"], floor["p50"])
    out["ratio_p99"] = _ratio(live["p99"], floor["p99"])
    return out


def cluster(cfg: dict) -> dict:
    """The messaging load through a real proxy: three Daphne processes behind HAProxy (Debian's
    package, round robin, websockets tunnelled; ``tests/cluster.py``) on the Redis layer, the
    platform against the persisted floor, each socket placed by the proxy. Needs ``haproxy``."""
    from tests.cluster import haproxy

    binary = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if binary is None:
        return {"error": "the haproxy binary is not installed (apt-get install haproxy)"}
    pairs = _pairs_with_relay(cfg["pairs"], tag="cluster", relay_tag="clusterdb")
    env = dict(os.environ)
    out: dict = {"processes": 3, "pairs": cfg["pairs"]}
    sent_ids: set = set()
    delivered_ids: set = set()
    with contextlib.ExitStack() as stack:
        backends = [stack.enter_context(servers.daphne(env)) for _ in range(3)]
        proxy = stack.enter_context(haproxy(binary, [base for base, _proc in backends]))
        pids = {proc.pid for _base, proc in backends}
        for target in ("platform", "channels_relay_persisted"):
            socks = _sockets(target, pairs, {"a": proxy, "b": proxy, "bare": None}, 0)
            cpu = sum(servers.cpu_seconds(pid) for pid in pids)
            result = asyncio.run(
                run_pairs(
                    socks,
                    messages=cfg["messages"],
                    window=cfg.get("window", 4),
                    timeout=cfg.get("timeout", 120),
                )
            )
            used = sum(servers.cpu_seconds(pid) for pid in pids) - cpu
            result["server_cpu_ms_per_message"] = round(
                1000 * used / max(1, result["delivered"]), 3
            )
            delivered = result.pop("delivered_client_ids")
            sent = result.pop("sent_client_ids")
            if target == "platform":
                sent_ids.update(sent)
                delivered_ids.update(delivered)
            out[target] = result
    out["db_check"] = _db_check(pairs, sent_ids, delivered_ids)
    out["ratio_throughput"] = _ratio(
        out["platform"]["throughput_per_s"], out["channels_relay_persisted"]["throughput_per_s"]
    )
    return out


def _live_path_profile(cfg: dict, pair: dict) -> dict:
    """The database work of one live message, as the consumers' sync threads do it: the sender's
    ``send`` (authorized under the thread's row lock; the sender's own socket then sends the
    message it holds), and the read of what is new on the other participant's socket
    (``messages_after``, participation checked in the same query). Queries counted, time
    measured, pyinstrument profile. (pyinstrument sees one thread, so this runs the same
    functions in-process, not in Daphne.)"""
    import uuid

    from pyinstrument import Profiler

    from accounts.models import User
    from messaging import consumers

    patient = User.objects.get(pk=pair["patient"])
    gp = User.objects.get(pk=pair["clinician"])
    thread = pair["thread"]

    def one() -> None:
        # A patient's message and the clinician's answer: the bench's load is half of each, and
        # a clinician's send also records guidance time and resolves reply-overdue alerts.
        for sender, reader in ((patient, gp), (gp, patient)):
            message, _created = consumers.send(
                sender, thread, str(uuid.uuid4()), "Profiled message"
            )
            consumers.messages_after(reader, thread, message.sequence - 1)

    one()
    with CaptureQueriesContext(connection) as ctx:
        one()
    count = cfg.get("profile_messages", 100) // 2
    started = time.perf_counter()
    cpu = time.process_time()
    for _ in range(count):
        one()
    wall = (time.perf_counter() - started) / (2 * count)
    cpu = (time.process_time() - cpu) / (2 * count)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(count):
        one()
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    out = Path(cfg["profile_dir"])
    path = out / f"{cfg.get('profile_stem', 'profile')}-live-{cfg['layer']}.txt"
    path.write_text(text)
    return {
        "queries_per_message": len(ctx.captured_queries) / 2,
        "queries": [q["sql"][:120] for q in ctx.captured_queries],
        "sync_ms_per_message": round(1000 * wall, 2),
        "sync_cpu_ms_per_message": round(1000 * cpu, 2),
        "text": str(path),
        "head": text.splitlines()[:70],
    }


def _aggregate(results: list[dict]) -> dict:
    def med(path):
        values = []
        for r in results:
            v = r
            for key in path:
                v = v.get(key) if isinstance(v, dict) else None
            if v is not None:
                values.append(v)
        return round(statistics.median(values), 2) if values else None

    return {
        "throughput_per_s": med(["throughput_per_s"]),
        "p50_ms": med(["latency_ms", "p50"]),
        "p99_ms": med(["latency_ms", "p99"]),
        "lost": sum(r["lost"] for r in results),
        "unsent": sum(r["unsent"] for r in results),
        "duplicated": sum(r["duplicated"] for r in results),
        "delivered": sum(r["delivered"] for r in results),
        "expected": sum(r["expected"] for r in results),
        "server_cpu_ms_per_message": round(
            1000
            * sum(r["server_cpu_seconds"] for r in results)
            / max(1, sum(r["delivered"] for r in results)),
            3,
        ),
    }


# --- idle sockets ----------------------------------------------------------------------------


def idle(cfg: dict) -> dict:
    """One Daphne holding ``levels`` idle authenticated live sockets: memory, CPU, liveness."""
    levels = sorted(cfg["levels"])
    patients = data.users(levels[-1], tag="idle", role="patient")
    data.workspaces_for(patients)
    keys = data.sessions(patients)
    env = dict(os.environ)  # the database and layer run.py chose
    with servers.daphne(env) as (base, proc):
        socks = [Socket(_ws(base) + "/ws/live/", "live", keys[p.pk], base) for p in patients]
        return asyncio.run(_hold(proc.pid, socks, levels, cfg))


async def _hold(pid: int, socks: list, levels: list, cfg: dict) -> dict:
    import json as _json

    conns: list = []
    rss0 = servers.rss_bytes(pid)
    cpu0 = servers.cpu_seconds(pid)
    await asyncio.sleep(cfg.get("idle_seconds", 10))
    idle_cpu0 = (servers.cpu_seconds(pid) - cpu0) / cfg.get("idle_seconds", 10)
    out = {
        "process_rss_mib_before": round(rss0 / 2**20, 1),
        "cpu_percent_idle_no_sockets": round(100 * idle_cpu0, 2),
        "levels": [],
    }
    try:
        for level in levels:
            entry = {"sockets": level}
            t = time.perf_counter()
            cpu_t = servers.cpu_seconds(pid)
            wanted = socks[len(conns) : level]
            try:
                attempt = await asyncio.wait_for(
                    open_all(wanted, concurrency=cfg.get("concurrency", 50), tolerate=True),
                    cfg.get("connect_timeout", 240),
                )
                failed = [
                    s for s, c in zip(wanted, attempt, strict=True) if isinstance(c, Exception)
                ]
                errors = sorted({type(c).__name__ for c in attempt if isinstance(c, Exception)})
                new = [c for c in attempt if not isinstance(c, Exception)]
                entry["failed_first_attempt"] = len(failed)
                if failed:  # a reconnect, as a browser would, fewer at a time
                    entry["first_attempt_errors"] = errors
                    retry = await asyncio.wait_for(
                        open_all(failed, concurrency=10, tolerate=True),
                        cfg.get("connect_timeout", 240),
                    )
                    new += [c for c in retry if not isinstance(c, Exception)]
                    entry["failed_after_retry"] = sum(isinstance(c, Exception) for c in retry)
            except TimeoutError as error:
                entry.update({"held": False, "error": f"connect timed out: {error}"[:300]})
                out["levels"].append(entry)
                break
            conns.extend(new)
            entry["connect_seconds"] = round(time.perf_counter() - t, 2)
            entry["connect_cpu_ms_per_socket"] = round(
                1000 * (servers.cpu_seconds(pid) - cpu_t) / max(1, len(new)), 2
            )
            window = cfg.get("idle_seconds", 10)
            cpu_a = servers.cpu_seconds(pid)
            await asyncio.sleep(window)
            cpu_b = servers.cpu_seconds(pid)
            rss = servers.rss_bytes(pid)
            entry["cpu_percent_idle"] = round(100 * (cpu_b - cpu_a) / window, 2)
            entry["process_rss_mib"] = round(rss / 2**20, 1)
            entry["kib_per_socket"] = round((rss - rss0) / 1024 / max(1, len(conns)), 1)
            entry["open_fds"] = servers.open_fds(pid)
            # Liveness: a sample of sockets still answer a ping with a pong.
            sample = conns[:: max(1, len(conns) // 20)]
            pongs = 0
            for ws in sample:
                await ws.send(_json.dumps({"v": 1, "type": "ping"}))
                with contextlib.suppress(TimeoutError):
                    while True:
                        frame = _json.loads(await asyncio.wait_for(ws.recv(), 10))
                        if frame.get("type") == "pong":
                            pongs += 1
                            break
            entry["pong_sample"] = f"{pongs}/{len(sample)}"
            entry["held"] = pongs == len(sample) and len(conns) == level
            out["levels"].append(entry)
            if not entry["held"]:
                break
    finally:
        await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    return out


def reconnect(cfg: dict) -> dict:
    """A reconnect storm: ``reconnect_sockets`` signed-in patients reconnect to one Daphne at
    once (as after a deploy), each resuming its team thread where it was, first to the bare
    authenticated socket (the same Origin check and session authentication; hello and resumed,
    nothing else), then to the live socket. Wall time until every socket has resumed, and the
    process's CPU per connect, side by side."""
    from messaging.models import Thread

    n = cfg["reconnect_sockets"]
    patients = data.users(n, tag="storm", role="patient")
    workspaces = data.workspaces_for(patients)
    threads = Thread.objects.bulk_create(
        [Thread(workspace=w, kind=Thread.Kind.TEAM) for w in workspaces], batch_size=500
    )
    keys = data.sessions(patients)
    env = dict(os.environ)  # the database and layer run.py chose
    out: dict = {"sockets": n}
    with servers.daphne(env) as (base, proc):
        for target, path in (("bare", "/bench/auth/"), ("platform", "/ws/live/")):
            socks = [
                Socket(
                    _ws(base) + path, "live", keys[p.pk], base, resume={str(t.pk): t.last_sequence}
                )
                for p, t in zip(patients, threads, strict=True)
            ]
            out[target] = asyncio.run(_storm(proc.pid, socks, cfg))
    bare, live = out["bare"], out["platform"]
    out["ratio_cpu_per_connect"] = _ratio(live["cpu_ms_per_connect"], bare["cpu_ms_per_connect"])
    out["ratio_seconds"] = _ratio(live["seconds"], bare["seconds"])
    return out


def _ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


async def _storm(pid: int, socks: list, cfg: dict) -> dict:
    await asyncio.sleep(1)  # let the process settle (the previous target's closes)
    cpu = servers.cpu_seconds(pid)
    started = time.perf_counter()
    retried: list = []
    conns = await asyncio.wait_for(
        open_all(
            socks,
            concurrency=cfg.get("storm_concurrency", 100),
            tolerate=True,
            retries=2,
            retried=retried,
        ),
        cfg.get("connect_timeout", 600),
    )
    seconds = time.perf_counter() - started
    used = servers.cpu_seconds(pid) - cpu
    ok = [c for c in conns if not isinstance(c, Exception)]
    await asyncio.gather(*(ws.close() for ws in ok), return_exceptions=True)
    return {
        "resumed": len(ok),
        "failed": len(conns) - len(ok),
        "retried": len(retried),
        "seconds": round(seconds, 2),
        "connects_per_s": round(len(ok) / seconds, 1) if seconds else None,
        "cpu_ms_per_connect": round(1000 * used / max(1, len(ok)), 2),
    }


# --- pages and API ---------------------------------------------------------------------------


def _timed(client: Client, url: str, repeats: int, warmup: int = 2, expect: int = 200) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != expect:
            raise RuntimeError(f"{url} answered {response.status_code}")
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    times.sort()
    return {
        "median_ms": round(1000 * statistics.median(times), 2),
        "p90_ms": round(1000 * times[min(len(times) - 1, int(0.9 * len(times)))], 2),
        "min_ms": round(1000 * times[0], 2),
        "queries": len(ctx.captured_queries),
        "bytes": len(response.content),
        "status": response.status_code,
        "repeats": repeats,
    }


def _login(user) -> Client:
    client = Client()
    client.force_login(user, backend=data.BACKEND)
    return client


def _settle() -> None:
    """Bring PostgreSQL to the state of a database in use after the bulk inserts: planner
    statistics and vacuumed tables, as autovacuum makes them within a minute or so. Without
    statistics it plans every table as a few rows (nested loops over 1,000 workspaces that no
    running service would see), and an autovacuum started by the inserts would run during the
    first measurements."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def pages(cfg: dict) -> dict:
    """Caseload page and API vs bare views at each size; patient dashboard vs bare view."""
    from accounts.models import User
    from clinician_app.caseload import PAGE_SIZE as CASELOAD_PAGE_SIZE

    repeats = cfg.get("repeats", 15)
    caseload = []
    for size in cfg["sizes"]:
        (gp,) = data.users(1, tag=f"cl{size}", role=User.Role.GP)
        t = time.perf_counter()
        data.caseload(gp, size, tag=f"cl{size}")
        build = time.perf_counter() - t
        _settle()
        client = _login(gp)
        entry = {"patients": size, "build_seconds": round(build, 2)}
        for key, url in (
            ("page", reverse("clinician:caseload")),
            ("bare_page", reverse("bench-caseload")),
            ("api", reverse("api:caseload")),
            ("bare_json", reverse("bench-caseload-json")),
            # The product shows one page (PAGE_SIZE rows): the bare views cut to as many rows.
            ("bare_page_same_rows", reverse("bench-caseload") + f"?rows={CASELOAD_PAGE_SIZE}"),
            ("bare_json_same_rows", reverse("bench-caseload-json") + f"?rows={CASELOAD_PAGE_SIZE}"),
        ):
            entry[key] = _timed(client, url, repeats)
        body = client.get(reverse("clinician:caseload")).content.decode()
        bare = client.get(reverse("bench-caseload")).content.decode()
        api_rows = client.get(reverse("api:caseload")).json()
        entry["rows_listed"] = {
            "page": body.count("data-workspace="),
            "bare_page": bare.count("data-workspace="),
            "api": len(api_rows["results"] if isinstance(api_rows, dict) else api_rows),
        }
        entry["ratio_page"] = round(entry["page"]["median_ms"] / entry["bare_page"]["median_ms"], 2)
        entry["ratio_api"] = round(entry["api"]["median_ms"] / entry["bare_json"]["median_ms"], 2)
        for key, bare in (("page", "bare_page_same_rows"), ("api", "bare_json_same_rows")):
            entry[f"ratio_{key}_same_rows"] = round(
                entry[key]["median_ms"] / entry[bare]["median_ms"], 2
            )
        caseload.append(entry)
    dashboard = []
    for size in cfg["sizes"]:
        patient = data.dashboard_patient(size, tag=f"db{size}")
        client = _login(patient)
        entry = {
            "messages_and_scores": size,
            "page": _timed(client, reverse("patient:dashboard"), repeats),
            "bare_page": _timed(client, reverse("bench-dashboard"), repeats),
        }
        entry["ratio_page"] = round(entry["page"]["median_ms"] / entry["bare_page"]["median_ms"], 2)
        dashboard.append(entry)
    result = {"database": connection.vendor, "caseload": caseload, "dashboard": dashboard}
    if cfg.get("profile_dir"):
        result["profile"] = _profile(cfg, caseload, dashboard)
    return result


def _profile(cfg: dict, caseload: list, dashboard: list) -> dict:
    """pyinstrument profile of the slowest product path at the largest size."""
    from pyinstrument import Profiler

    from accounts.models import User

    candidates = [
        (caseload[-1]["page"]["median_ms"], "clinician:caseload"),
        (caseload[-1]["api"]["median_ms"], "api:caseload"),
        (dashboard[-1]["page"]["median_ms"], "patient:dashboard"),
    ]
    slowest_ms, name = max(candidates)
    size = cfg["sizes"][-1]
    if name == "patient:dashboard":
        user = User.objects.get(email=f"bench-db{size}-patient-0@example.test")
    else:
        user = User.objects.get(email=f"bench-cl{size}-gp-0@example.test")
    client = _login(user)
    url = reverse(name)
    client.get(url)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(cfg.get("profile_repeats", 5)):
        client.get(url)
    profiler.stop()
    out = Path(cfg["profile_dir"])
    out.mkdir(parents=True, exist_ok=True)
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    stem = cfg.get("profile_stem", "profile")
    (out / f"{stem}.txt").write_text(text)
    (out / f"{stem}.html").write_text(profiler.output_html())
    return {
        "path": name,
        "size": size,
        "median_ms": slowest_ms,
        "text": str(out / f"{stem}.txt"),
        "html": str(out / f"{stem}.html"),
        "head": text.splitlines()[:60],
    }


# --- message history -------------------------------------------------------------------------


def history(cfg: dict) -> dict:
    """First page vs pages deep in a long thread: API (keyset by sequence) and the thread page."""
    from messaging import selectors

    n = cfg["messages"]
    t = time.perf_counter()
    thread, patient, _gp = data.long_thread(n, tag="hist")
    build = time.perf_counter() - t
    client = _login(patient)
    api = reverse("api:message-list", args=[thread.pk])
    page = reverse("patient:message_thread", args=[thread.pk])
    repeats = cfg.get("repeats", 15)
    middle = n // 2
    result = {"messages": n, "build_seconds": round(build, 2), "database": connection.vendor}
    cases = {
        "api_first": api,
        "api_middle": f"{api}?before={middle}",
        "api_oldest": f"{api}?before=51",
        "api_catch_up_middle": f"{api}?after={middle}",
        "page_first": page,
        "page_middle": f"{page}?before={middle}",
        "page_oldest": f"{page}?before=51",
    }
    for key, url in cases.items():
        result[key] = _timed(client, url, repeats)
    # The SQL plan of the deep page: the (thread, sequence) unique index, not a scan.
    with CaptureQueriesContext(connection) as ctx:
        selectors.messages_for_thread(thread=thread, before=middle)
    sql = ctx.captured_queries[0]["sql"]  # the page of messages (then their attachments)
    if connection.vendor in ("sqlite", "postgresql"):
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            result["deep_page_plan"] = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
    result["ratio_api_middle"] = round(
        result["api_middle"]["median_ms"] / result["api_first"]["median_ms"], 2
    )
    result["ratio_api_oldest"] = round(
        result["api_oldest"]["median_ms"] / result["api_first"]["median_ms"], 2
    )
    result["ratio_page_middle"] = round(
        result["page_middle"]["median_ms"] / result["page_first"]["median_ms"], 2
    )
    return result


# --- the service report -----------------------------------------------------------------------


def service_report(cfg: dict) -> dict:
    """The manager's service report at each number of ended courses vs the bare aggregate
    query (courses counted per team by the database, as JSON)."""
    sizes = cfg["sizes"]
    repeats = cfg.get("repeats", 15)
    result = {"database": connection.vendor, "sizes": []}
    for size in sizes:
        t = time.perf_counter()
        manager = data.service_courses(size, tag=f"sr{size}")
        build = time.perf_counter() - t
        # Each size is its own organisation, so the report counts that size's courses only.
        from accounts.models import Organisation, Team, User
        from care.models import Course

        organisation = Organisation.objects.create(name=f"Bench service {size}")
        ids = list(
            Course.objects.filter(
                workspace__patient__email__contains=f"-sr{size}-course-"
            ).values_list("id", flat=True)
        )
        Course.objects.filter(id__in=ids).update(organisation=organisation)
        Team.objects.filter(name__startswith=f"Bench team sr{size} ").update(
            organisation=organisation
        )
        User.objects.filter(email__contains=f"-sr{size}-").exclude(role="patient").update(
            organisation=organisation
        )
        manager.refresh_from_db()
        client = _login(manager)
        entry = {
            "courses": size,
            "build_seconds": round(build, 2),
            "page": _timed(client, reverse("clinician:service_report"), repeats),
            "bare_json": _timed(client, reverse("bench-report"), repeats),
        }
        entry["ratio_page"] = round(entry["page"]["median_ms"] / entry["bare_json"]["median_ms"], 2)
        result["sizes"].append(entry)
    return result


def reminders(cfg: dict) -> dict:
    from bench import reminder_load

    return reminder_load.run(cfg)


SCENARIOS = {
    "prepare": prepare,
    "reminders": reminders,
    "service_report": service_report,
    "messaging": messaging,
    "idle": idle,
    "latency": latency,
    "cluster": cluster,
    "reconnect": reconnect,
    "pages": pages,
    "history": history,
}


def main() -> None:
    name, config_path, out_path = sys.argv[1:4]
    cfg = json.loads(Path(config_path).read_text())
    started = time.perf_counter()
    result = SCENARIOS[name](cfg)
    result["scenario_seconds"] = round(time.perf_counter() - started, 1)
    Path(out_path).write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
