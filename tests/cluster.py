"""A cluster on 127.0.0.1 for tests and the benchmark: Daphne processes behind HAProxy (from
Debian's packages), on one database and one Redis. The proxy balances connections round-robin
and names the process that answered in ``X-Served-By`` (on the websocket handshake too)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port

CONFIG = """
global
    maxconn 4000

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h

frontend care
    bind 127.0.0.1:{port}
    default_backend daphne

backend daphne
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-response set-header X-Served-By %[srv_name]
{servers}
"""


def haproxy_binary() -> str:
    """The haproxy binary; skipped with a visible reason without it, except with
    REQUIRE_SERVICES=1 (CI), where that is a failure."""
    path = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if path is None:
        reason = "the haproxy binary is not installed"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(
                f"{reason}, and REQUIRE_SERVICES=1 says it must be (apt-get install haproxy)"
            )
        pytest.skip(f"{reason}: cluster tests skipped (apt-get install haproxy)")
    return path


@contextlib.contextmanager
def haproxy(binary: str, backends: list[str], timeout: float = 20.0):
    """HAProxy in front of ``backends`` (base URLs); yields the proxy's base URL."""
    port = free_port()
    servers = "\n".join(
        f"    server daphne{n} {url.removeprefix('http://')} check inter 2s"
        for n, url in enumerate(backends, 1)
    )
    folder = Path(tempfile.mkdtemp(prefix="haproxy-"))
    config = folder / "haproxy.cfg"
    config.write_text(CONFIG.format(port=port, servers=servers))
    log = (folder / "haproxy.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our binary and config
        [binary, "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"haproxy exited: {(folder / 'haproxy.log').read_text()}")
            try:
                urllib.request.urlopen(base_url + "/healthz", timeout=2)  # noqa: S310 - loopback
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
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
