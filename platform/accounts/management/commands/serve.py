"""``manage.py serve``: start Daphne (HTTP and websockets) and say so once it answers.

What ``make run`` uses. Daphne runs as a child process; this command polls ``/healthz`` on the
chosen address and prints one "Ready: open http://HOST:PORT/" line only after the server has
answered. Once it has, the background jobs start too (docs/background-jobs.md): one
``db_worker`` and one ``scheduler`` child (``--no-jobs`` leaves them out), stopped with Daphne. Ctrl-C (SIGINT) and SIGTERM are passed to Daphne, which shuts down cleanly; the
command exits with Daphne's exit code (128 + the signal number if a signal ended it).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

POLL_SECONDS = 0.2
# Addresses that mean "every interface": poll the server on the loopback address instead.
ANY_ADDRESS = {"0.0.0.0", "::", ""}  # noqa: S104 - compared with, never bound here


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _port_in_use(host: str, port: int) -> bool:
    """Another server holds the port. (Any other failure to bind is Daphne's to report.)"""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As Daphne does: connections of an earlier run waiting to close do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


class Command(BaseCommand):
    help = "Start Daphne on --host/--port and print a Ready line once it answers /healthz."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--timeout", type=float, default=60.0, help="Seconds to wait for the first answer."
        )
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="Do not start a job worker and scheduler beside the server.",
        )

    def handle(self, *args, host: str, port: int, timeout: float, no_jobs: bool, **options):
        address = f"http://{_url_host(host or '127.0.0.1')}:{port}/"
        poll = f"http://{_url_host('127.0.0.1' if host in ANY_ADDRESS else host)}:{port}/healthz"
        if _port_in_use(host, port):
            raise CommandError(f"Port {port} on {host} is already in use. Choose another: PORT=...")
        env = os.environ.copy()
        source_roots = [str(settings.PLATFORM_DIR), str(settings.BASE_DIR)]
        env["PYTHONPATH"] = os.pathsep.join(source_roots + [env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
        # Links in e-mails point at the address actually served, unless configured otherwise.
        env.setdefault("SITE_URL", address.rstrip("/"))
        command = [sys.executable, "-m", "daphne", "-b", host, "-p", str(port)]
        # A process started in the background inherits an ignored SIGINT; Ctrl-C must work here
        # and in Daphne whatever started us (a handled signal is reset to default on exec).
        previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
        daphne = subprocess.Popen([*command, "config.asgi:application"], env=env)  # noqa: S603
        previous_term = signal.signal(signal.SIGTERM, lambda *_: daphne.terminate())
        jobs: list[subprocess.Popen] = []
        try:
            status = self._wait_until_ready(daphne, poll, timeout)
            if status is None and daphne.poll() is None:
                daphne.terminate()
                daphne.wait(timeout=10)
                raise CommandError(f"Daphne did not answer on {address} within {timeout:g} s.")
            if status is None:
                self.stderr.write(f"Daphne stopped before it answered on {address}.")
            else:
                note = "" if status == "ok" else f" (health check: {status}, see {poll})"
                if not no_jobs:
                    jobs = self._start_jobs(env)
                    self.stdout.write("Background jobs: 1 worker and 1 scheduler started.")
                self.stdout.write(
                    self.style.SUCCESS(f"Ready: open {address} (demo logins above){note}")
                )
                self.stdout.write("Stop the server with Ctrl-C.")
                self.stdout.flush()
            code = self._wait(daphne)
        except KeyboardInterrupt:
            code = self._wait(daphne, interrupted=True)
        finally:
            self._stop_jobs(jobs)
            signal.signal(signal.SIGTERM, previous_term)
            signal.signal(signal.SIGINT, previous_int)
        sys.exit(128 - code if code < 0 else code)

    @staticmethod
    def _start_jobs(env: dict) -> list[subprocess.Popen]:
        """A job worker (every queue) and the scheduler, as on a production machine."""
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        commands = [
            [*manage, "db_worker", "--queue-name", "*", "--no-reload", "--interval", "1"],
            [*manage, "scheduler"],
        ]
        return [
            subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603
            for command in commands
        ]

    @staticmethod
    def _stop_jobs(jobs: list[subprocess.Popen]) -> None:
        for job in jobs:
            if job.poll() is None:
                job.terminate()
        for job in jobs:
            try:
                job.wait(timeout=15)
            except subprocess.TimeoutExpired:
                job.kill()
                job.wait(timeout=5)

    @staticmethod
    def _wait_until_ready(daphne: subprocess.Popen, url: str, timeout: float) -> str | None:
        """Poll until the server answers (its health status), Daphne exits, or time runs out
        (None for both). Any HTTP answer means it accepts connections; a 503 names what fails."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and daphne.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                    return json.load(response).get("status", "ok")
            except urllib.error.HTTPError as error:
                return "degraded" if error.code == 503 else f"HTTP {error.code}"
            except (OSError, ValueError):
                time.sleep(POLL_SECONDS)
        return None

    @staticmethod
    def _wait(daphne: subprocess.Popen, *, interrupted: bool = False) -> int:
        """Wait for Daphne to end. After a Ctrl-C, give Daphne a moment to stop on its own (a
        terminal sends the signal to both of us; a second one would cut its shutdown short),
        then pass it on (a signal sent to this process alone), then stop it for good."""
        after_interrupt = [(None, 2.0), (signal.SIGINT, 15.0), (signal.SIGKILL, None)]
        steps = after_interrupt if interrupted else [(None, None)]
        while True:
            try:
                for send, seconds in steps:
                    if send is not None and daphne.poll() is None:
                        daphne.send_signal(send)
                    try:
                        return daphne.wait(timeout=seconds)
                    except subprocess.TimeoutExpired:
                        continue
            except KeyboardInterrupt:
                steps = after_interrupt
