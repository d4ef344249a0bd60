"""Start real servers on 127.0.0.1 for tests (Daphne), bounded in time, always stopped."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def daphne_server(env: dict | None = None, timeout: float = 30.0):
    """Run ``daphne config.asgi:application`` on a free port with its own SQLite file."""
    port = free_port()
    var_dir = ROOT / "var" / f"daphne-test-{port}"
    var_dir.mkdir(parents=True, exist_ok=True)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "TESTING"}
    }
    environment.update(
        {"DEMO_MODE": "1", "VAR_DIR": str(var_dir), "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"}
    )
    environment.update(env or {})
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited: {process.stderr.read().decode()[-2000:]}")
            try:
                urllib.request.urlopen(base_url + "/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        for leftover in var_dir.glob("*"):
            if leftover.is_file():
                leftover.unlink()
