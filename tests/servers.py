"""Start real servers on 127.0.0.1 for tests (Daphne, redis-server), bounded in time, always
stopped, and give them a database of their own that several processes can share."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# Settings the test process may carry that a server must not inherit: the server gets its own
# database and channel layer from the ``env`` given to it.
CLEARED = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "TESTING"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(env: dict | None = None) -> dict:
    """The environment of a server process: demo mode (fixed local secret, plain HTTP, no
    second factor), the two source roots, and ``env`` on top."""
    environment = {key: value for key, value in os.environ.items() if key not in CLEARED}
    environment.update({"DEMO_MODE": "1", "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"})
    environment.update(env or {})
    return environment


def manage(*args: str, env: dict | None = None, timeout: float = 120) -> str:
    """Run ``manage.py`` with a server's environment; returns its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=server_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed: {result.stderr[-3000:]}")
    return result.stdout


def _tail(log) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")[-3000:]


def _start_daphne(environment: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # Output goes to a file: a pipe nobody reads would stop the server once it fills up.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _stop_daphne
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
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log = log
    return process, f"http://127.0.0.1:{port}"


def _wait_ready(process: subprocess.Popen, base_url: str, deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited: {_tail(process.log)}")
        try:
            urllib.request.urlopen(base_url + "/healthz", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop_daphne(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.log.close()


@contextlib.contextmanager
def daphne_servers(
    count: int, env: dict | None = None, timeout: float = 30.0, migrate: bool = True
):
    """Run ``count`` processes of ``daphne config.asgi:application``, each on a free port, all
    on the same database; yields their base URLs.

    Without ``VAR_DIR`` or ``DATABASE_URL`` in ``env`` they get a SQLite file of their own
    (removed afterwards). ``migrate=False`` for a database that is already migrated."""
    env = dict(env or {})
    own_var_dir = None
    if "VAR_DIR" not in env and "DATABASE_URL" not in env:
        (ROOT / "var").mkdir(exist_ok=True)
        own_var_dir = Path(tempfile.mkdtemp(prefix="daphne-test-", dir=ROOT / "var"))
        env["VAR_DIR"] = str(own_var_dir)
    processes = []
    try:
        if migrate:
            manage("migrate", "--noinput", "-v0", env=env)
        environment = server_environment(env)
        started = [_start_daphne(environment) for _ in range(count)]
        processes = [process for process, _url in started]
        deadline = time.monotonic() + timeout
        for process, base_url in started:
            _wait_ready(process, base_url, deadline)
        yield [base_url for _process, base_url in started]
    finally:
        _stop_daphne(processes)
        if own_var_dir is not None:
            shutil.rmtree(own_var_dir, ignore_errors=True)


@contextlib.contextmanager
def daphne_server(env: dict | None = None, timeout: float = 30.0, migrate: bool = True):
    """One Daphne process (see ``daphne_servers``); yields its base URL."""
    with daphne_servers(1, env, timeout, migrate) as (base_url,):
        yield base_url


class SharedDatabase:
    """One database for several server processes: a SQLite file (WAL, so readers never wait
    for the writer) or, when the test run uses PostgreSQL (``DATABASE_URL``), a database of its
    own created on that server and dropped afterwards. ``env`` is what the servers need."""

    def __init__(self, env: dict, sqlite_path: Path | None = None, dsn: str | None = None):
        self.env = env
        self.sqlite_path = sqlite_path
        self.dsn = dsn

    @property
    def engine(self) -> str:
        return "sqlite" if self.sqlite_path else "postgresql"

    def fetch(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one read query (``%s`` placeholders) on a fresh connection."""
        if self.sqlite_path:
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=20)) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.dsn) as conn:
            return conn.execute(sql, params).fetchall()


@contextlib.contextmanager
def shared_database(folder: Path, template: str | None = None):
    """Create and migrate a database in ``folder`` (SQLite) or on the PostgreSQL server that
    ``DATABASE_URL`` names; always removed afterwards. On PostgreSQL, ``template`` names an
    already migrated database to copy (a second, where migrating takes twenty); nobody may be
    connected to it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        folder.mkdir(parents=True, exist_ok=True)
        env = {"VAR_DIR": str(folder)}
        manage("migrate", "--noinput", "-v0", env=env)
        path = folder / "db.sqlite3"
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")  # kept by the file
        yield SharedDatabase(env, sqlite_path=path)
        return

    import psycopg
    from psycopg import sql

    base = os.environ.get("TEST_DATABASE_NAME") or "test_guided_care"
    name = f"{base}_live_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(url)
    admin_dsn = urlunsplit(parts._replace(path="/postgres"))
    dsn = urlunsplit(parts._replace(path=f"/{name}"))
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    copied = False
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        if template:
            try:
                conn.execute(create + sql.SQL(" TEMPLATE {}").format(sql.Identifier(template)))
                copied = True
            except psycopg.errors.ObjectInUse:  # someone is connected to it: migrate instead
                pass
        if not copied:
            conn.execute(create)
    try:
        env = {"DATABASE_URL": dsn}
        if not copied:
            manage("migrate", "--noinput", "-v0", env=env)
        yield SharedDatabase(env, dsn=dsn)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


class RedisServer:
    """A private ``redis-server`` on a free 127.0.0.1 port, without persistence, that a test may
    kill and start again on the same port (the shared Redis on 6379 is never touched)."""

    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self, timeout: float = 10.0) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        """Stop at once (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextlib.contextmanager
def redis_server(binary: str):
    server = RedisServer(binary)
    server.start()
    try:
        yield server
    finally:
        server.kill()
