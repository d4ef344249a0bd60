"""``manage.py serve`` (what ``make run`` starts): the Ready line comes only once the server
answers, names the chosen port, and Ctrl-C stops it cleanly with the exit code passed on."""

from __future__ import annotations

import json
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.servers import ROOT, free_port, server_environment

START_SECONDS = 90  # Daphne's import of the project takes a few seconds on a busy machine


def _serve(port: int, tmp_path) -> subprocess.Popen:
    env = server_environment({"VAR_DIR": str(tmp_path), "SITE_URL": ""})
    env.pop("SITE_URL")  # the command sets it from the address it serves
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "serve", "--port", str(port), "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _lines(process: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def read():
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, pattern: str, seconds: float) -> tuple[str | None, list[str]]:
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if re.search(pattern, line):
            return line, seen
    return None, seen


@pytest.fixture
def stop():
    started = []
    yield started.append
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_ready_line_names_the_chosen_port_and_the_server_answers_there(tmp_path, stop):
    port = free_port()
    process = _serve(port, tmp_path)
    stop(process)
    lines = _lines(process)
    ready, seen = _wait_for(lines, r"^Ready: ", START_SECONDS)
    assert ready, "no Ready line:\n" + "".join(seen[-30:])
    address = f"http://127.0.0.1:{port}/"
    assert f"Ready: open {address} " in ready
    # It was printed after the server answered its own health check, never before.
    assert any('"GET /healthz" 200' in line for line in seen[:-1])
    with urllib.request.urlopen(address + "healthz", timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert json.load(response)["status"] == "ok"

    process.send_signal(signal.SIGINT)  # what Ctrl-C does
    assert process.wait(timeout=30) == 0
    with socket.socket() as probe, pytest.raises(OSError):
        probe.settimeout(2)
        probe.connect(("127.0.0.1", port))


def test_a_port_in_use_is_refused_without_a_ready_line(tmp_path, stop):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _serve(port, tmp_path)
        stop(process)
        output, _ = process.communicate(timeout=START_SECONDS)
    assert process.returncode != 0
    assert f"Port {port}" in output and "already in use" in output
    assert "Ready" not in output


def test_when_daphne_fails_its_exit_code_is_passed_on_without_a_ready_line(tmp_path, stop):
    env = server_environment({"VAR_DIR": str(tmp_path)})
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: Daphne cannot listen there.
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "serve", "--host", "192.0.2.1", "--port", "8000"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stop(process)
    output, _ = process.communicate(timeout=START_SECONDS)
    assert process.returncode not in (0, None)
    assert "Daphne stopped before it answered on http://192.0.2.1:8000/" in output
    assert "Ready" not in output


def test_the_background_jobs_start_with_the_server_and_stop_with_it(tmp_path, stop):
    """``make run`` needs no other service: a worker and the scheduler run the periodic jobs
    on the embedded database, and Ctrl-C stops them with Daphne."""
    import sqlite3

    from tests.servers import manage

    manage("migrate", "--noinput", env={"VAR_DIR": str(tmp_path)}, timeout=300)
    port = free_port()
    process = _serve(port, tmp_path)
    stop(process)
    lines = _lines(process)
    ready, seen = _wait_for(lines, r"^Ready: ", START_SECONDS)
    assert ready, "no Ready line:\n" + "".join(seen[-30:])
    assert any("Background jobs: 1 worker and 1 scheduler started." in line for line in seen)
    done: set = set()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and "alerts.tasks.safety_rules" not in done:
        time.sleep(0.5)
        with sqlite3.connect(tmp_path / "db.sqlite3", timeout=20) as db:
            done = {
                row[0]
                for row in db.execute(
                    "SELECT task_path FROM django_tasks_database_dbtaskresult "
                    "WHERE status = 'SUCCESSFUL'"
                )
            }
    assert "alerts.tasks.safety_rules" in done, f"the safety rules did not run: {done}"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=45) == 0
    with sqlite3.connect(tmp_path / "db.sqlite3", timeout=20) as db:
        running = db.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        ).fetchone()[0]
    assert running == 0
