"""Processes the benchmark starts: Daphne and the bare ``websockets`` relay, on 127.0.0.1 only,
on free ports, always stopped; and /proc readings of their CPU time and memory."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLEARED = {"DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "DJANGO_SETTINGS_MODULE", "TESTING"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(extra: dict | None = None) -> dict:
    """The environment of every bench process: demo mode (no secret needed, plain HTTP), the
    bench settings, quiet logs; database and channel layer from ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        {
            "DEMO_MODE": "1",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def _log_file(name: str, port: int):
    """Server output goes to a file (a pipe nobody reads would block the server)."""
    folder = Path(os.environ.get("BENCH_WORKDIR") or tempfile.gettempdir())
    return open(folder / f"{name}-{port}.log", "w+b")  # noqa: SIM115 - closed in stop()


def log_tail(process, size: int = 3000) -> str:
    log = getattr(process, "bench_log", None)
    if log is None:
        return ""
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")[-size:]


def _wait(check, process, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early: {log_tail(process)}")
        try:
            check()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start within {timeout:.0f} s") from None
            time.sleep(0.2)


@contextlib.contextmanager
def daphne(env: dict, timeout: float = 60.0):
    """Daphne serving ``bench.asgi:application``; yields (base_url, process)."""
    port = free_port()
    log = _log_file("daphne", port)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "--ping-interval",
            "600",
            "bench.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.bench_log = log
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(
            lambda: urllib.request.urlopen(base + "/healthz", timeout=5),  # noqa: S310
            process,
            timeout,
            "daphne",
        )
        yield base, process
    finally:
        stop(process)


@contextlib.contextmanager
def bare_websockets(env: dict, timeout: float = 30.0):
    """The bare ``websockets`` relay in its own process; yields (ws base url, process)."""
    port = free_port()
    log = _log_file("bare-ws", port)
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_ws", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.bench_log = log

    def check():
        socket.create_connection(("127.0.0.1", port), timeout=2).close()

    try:
        _wait(check, process, timeout, "bare websockets relay")
        yield f"ws://127.0.0.1:{port}", process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    log = getattr(process, "bench_log", None)
    if log is not None:
        log.close()


# --- /proc readings (psutil is not a dependency) ---------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) * 1024
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem / 2**30, 1),
        "load_average": [float(x) for x in load],
        "python": sys.version.split()[0],
        "network": "loopback (client and servers share the same cores)",
    }
