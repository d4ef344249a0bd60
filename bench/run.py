"""``make bench``: every benchmark in one run, side by side with its bare baseline.

    python bench/run.py                 # the full run (about 10 minutes on 2 shared cores)
    python bench/run.py --quick         # tiny counts: proves the harness works (the smoke test)
    python bench/run.py --only messaging_memory,pages

Starts everything on 127.0.0.1 (Daphne and the bare relay on free ports), gives each scenario
its own database (a copy of a migrated SQLite file, or a PostgreSQL database ``bench_<pid>_*``
created here and dropped at the end), runs bounded loads with hard timeouts, and writes
``bench/reports/<timestamp>.json`` and ``.md``. Exit status 0 when the run completed, whether or
not every target was met (the report says which were).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from bench import report, servers  # noqa: E402

FULL = {
    "pairs": 50,
    "messages": 20,
    "window": 4,
    "rounds": 2,
    "sizes": [10, 100, 1000],
    "repeats": 15,
    "history": 100_000,
    "idle_levels": [1000, 5000],
    "idle_seconds": 10,
    "report_sizes": [100, 1000, 10_000],
    "reminder_people": 150_000,
    "reconnect_sockets": 5000,
    "latency_pairs": 250,
    "latency_rate": 20.0,
    "latency_seconds": 30,
}
QUICK = {
    "pairs": 2,
    "messages": 3,
    "window": 2,
    "rounds": 1,
    "sizes": [2, 6],
    "repeats": 2,
    "history": 300,
    "idle_levels": [4],
    "idle_seconds": 1,
    "report_sizes": [20, 60],
    "reminder_people": 300,
    "reconnect_sockets": 20,
    "latency_pairs": 4,
    "latency_rate": 10.0,
    "latency_seconds": 2,
}
SCENARIOS = [
    "messaging_memory",
    "messaging_redis",
    "pages",
    "history",
    "idle",
    "service_report",
    "reminders",
    "reconnect",
    "latency",
    "cluster",
]
# The quick run leaves out what needs Redis (or HAProxy) and more than a few sockets.
QUICK_SCENARIOS = [s for s in SCENARIOS if s not in ("messaging_redis", "latency", "cluster")]
# The live socket's burst allowance per socket (messaging.consumers.RATE_CAPACITY = 30, then 3
# frames/s) less the warm-up message: a run stays inside the burst, so the rate limit never
# throttles it. The default (20) is kept from the first baseline so runs compare.
MAX_MESSAGES = 29


def reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


class Postgres:
    """Databases created for this run and dropped at the end (admin URL from BENCH_PG_URL)."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.created: list[str] = []

    def _run(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def url(self, name: str) -> str:
        base, _slash, _db = self.admin_url.rpartition("/")
        return f"{base}/{name}"

    def create(self, name: str, template: str | None = None) -> str:
        suffix = f" TEMPLATE {template}" if template else ""
        self._run(f"CREATE DATABASE {name}{suffix}")
        self.created.append(name)
        return self.url(name)

    def drop_all(self) -> None:
        for name in reversed(self.created):
            with contextlib.suppress(Exception):
                self._run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.created.clear()


def run_scenario(name: str, cfg: dict, env: dict, workdir: Path, timeout: float) -> dict:
    """One scenario in its own process group, killed whole at ``timeout``."""
    config = workdir / f"{name}.config.json"
    out = workdir / f"{name}.result.json"
    config.write_text(json.dumps(cfg))
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.scenarios", cfg["scenario"], str(config), str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return {"error": f"timed out after {timeout:.0f} s", "log": output.decode()[-3000:]}
    if process.returncode != 0 or not out.exists():
        return {"error": f"exit status {process.returncode}", "log": output.decode()[-3000:]}
    result = json.loads(out.read_text())
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke run)")
    parser.add_argument("--only", help="comma-separated scenarios: " + ", ".join(SCENARIOS))
    parser.add_argument("--db", choices=["auto", "sqlite", "postgres"], default="auto")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis-host", default="127.0.0.1")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--out-dir", default=str(ROOT / "bench" / "reports"))
    parser.add_argument("--timeout", type=float, default=900, help="per scenario, seconds")
    parser.add_argument("--no-profile", action="store_true")
    for key, value in FULL.items():
        kind = (
            (lambda s: [int(x) for x in s.split(",")]) if isinstance(value, list) else type(value)
        )
        parser.add_argument(f"--{key.replace('_', '-')}", type=kind, default=None)
    args = parser.parse_args(argv)

    params = dict(QUICK if args.quick else FULL)
    for key in FULL:
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    if params["messages"] > MAX_MESSAGES:
        parser.error(
            f"--messages is at most {MAX_MESSAGES}: the live socket allows a burst of "
            f"{MAX_MESSAGES + 1} frames per socket, then 3 per second (docs/live-protocol.md)"
        )
    chosen = args.only.split(",") if args.only else (QUICK_SCENARIOS if args.quick else SCENARIOS)
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(
        tempfile.mkdtemp(
            prefix=f"bench-{os.getpid()}-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None
        )
    )
    pg_host_port = ("127.0.0.1", 5432)
    use_pg = args.db == "postgres" or (args.db == "auto" and reachable(*pg_host_port))
    pg = Postgres(args.pg_url) if use_pg else None
    redis_ok = reachable(args.redis_host, args.redis_port)
    prefix = f"bench{os.getpid()}"
    the_report: dict = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": servers.machine(),
        "parameters": params,
        "database": "postgresql" if use_pg else "sqlite",
        "scenarios": {},
        "skipped": {},
    }
    print(f"bench: {', '.join(chosen)} on {the_report['database']}; work dir {workdir}", flush=True)
    try:
        # One migrated database, copied for every scenario.
        if pg:
            template = f"bench_{os.getpid()}_template"
            template_env = servers.bench_env(
                {"DATABASE_URL": pg.create(template), "BENCH_WORKDIR": str(workdir)}
            )
        else:
            (workdir / "template").mkdir()
            template_env = servers.bench_env(
                {"VAR_DIR": str(workdir / "template"), "BENCH_WORKDIR": str(workdir)}
            )
        prep = run_scenario("prepare", {"scenario": "prepare"}, template_env, workdir, 300)
        if "error" in prep:
            raise SystemExit(f"migrating the bench database failed: {prep}")

        def env_for(name: str, extra: dict | None = None) -> dict:
            if pg:
                db = {"DATABASE_URL": pg.create(f"bench_{os.getpid()}_{name}", template)}
            else:
                var = workdir / name
                var.mkdir()
                shutil.copy(workdir / "template" / "db.sqlite3", var / "db.sqlite3")
                db = {"VAR_DIR": str(var)}
            return servers.bench_env({**db, "BENCH_WORKDIR": str(workdir), **(extra or {})})

        def redis_env(prefix_suffix: str = "") -> dict:
            return {
                "REDIS_URL": f"redis://{args.redis_host}:{args.redis_port}/{args.redis_db}",
                "REDIS_PREFIX": prefix + prefix_suffix,
            }

        messaging_cfg = {
            "pairs": params["pairs"],
            "messages": params["messages"],
            "window": params["window"],
            "rounds": params["rounds"],
            # Hard limit per websocket run: generous (8 messages/s) so that a busy machine
            # shows as slow, not as lost; what is still missing after it counts as lost.
            "timeout": 20 if args.quick else max(120, 2 * params["pairs"] * params["messages"] / 8),
            "profile_dir": None if (args.quick or args.no_profile) else str(out_dir),
            "profile_stem": stamp,
        }
        plans = {
            "messaging_memory": (
                {"scenario": "messaging", "layer": "in-memory", **messaging_cfg},
                {},
            ),
            "messaging_redis": (
                {
                    "scenario": "messaging",
                    "layer": "redis-pubsub",
                    "two_processes": True,
                    **messaging_cfg,
                },
                redis_env(),
            ),
            "pages": (
                {
                    "scenario": "pages",
                    "sizes": params["sizes"],
                    "repeats": params["repeats"],
                    "profile_dir": None if (args.quick or args.no_profile) else str(out_dir),
                    "profile_stem": f"{stamp}-profile-pages",
                },
                {},
            ),
            "history": (
                {
                    "scenario": "history",
                    "messages": params["history"],
                    "repeats": params["repeats"],
                },
                {},
            ),
            "service_report": (
                {
                    "scenario": "service_report",
                    "sizes": params["report_sizes"],
                    "repeats": max(3, params["repeats"] // 3),
                },
                {},
            ),
            "reminders": (
                {"scenario": "reminders", "people": params["reminder_people"]},
                {"EMAIL_HOST": "", "REMINDER_SPREAD_SECONDS": "1800"},
            ),
            "latency": (
                {
                    "scenario": "latency",
                    "pairs": params["latency_pairs"],
                    "rate": params["latency_rate"],
                    "seconds": params["latency_seconds"],
                },
                redis_env("lat"),
            ),
            "cluster": (
                {
                    "scenario": "cluster",
                    "pairs": params["pairs"],
                    "messages": params["messages"],
                    "window": params["window"],
                    "timeout": messaging_cfg["timeout"],
                },
                redis_env("cl"),
            ),
            "reconnect": (
                {
                    "scenario": "reconnect",
                    "reconnect_sockets": params["reconnect_sockets"],
                    "connect_timeout": 900 if not args.quick else 60,
                },
                {},
            ),
            "idle": (
                {
                    "scenario": "idle",
                    "levels": params["idle_levels"],
                    "idle_seconds": params["idle_seconds"],
                    "connect_timeout": 300 if not args.quick else 30,
                },
                {},
            ),
        }
        for name in chosen:
            if name in ("messaging_redis", "latency", "cluster") and not redis_ok:
                the_report["skipped"][name] = f"no Redis at {args.redis_host}:{args.redis_port}"
                continue
            cfg, extra = plans[name]
            print(f"bench: {name} ...", flush=True)
            # 150,000 reminders are sent four times over (1 and 2 workers, and the bare floor).
            timeout = max(args.timeout, 2400) if name == "reminders" else args.timeout
            result = run_scenario(name, cfg, env_for(name, extra), workdir, timeout)
            the_report["scenarios"][name] = result
            print(
                f"bench: {name} {'FAILED: ' + result['error'] if 'error' in result else 'done'}",
                flush=True,
            )
    finally:
        if pg:
            pg.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    the_report["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    the_report["machine"]["load_average_at_end"] = servers.machine()["load_average"]
    the_report["targets"] = report.targets(the_report)
    json_path = out_dir / f"{stamp}.json"
    md_path = out_dir / f"{stamp}.md"
    json_path.write_text(json.dumps(the_report, indent=2, default=str))
    md_path.write_text(report.markdown(the_report))
    print(f"bench: wrote {json_path} and {md_path}")
    for line in the_report["targets"]:
        print(f"  [{'PASS' if line['ok'] else 'FAIL'}] {line['name']}: {line['measured']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
