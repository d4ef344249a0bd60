"""``manage.py scheduler``: enqueue the periodic jobs on time, for the workers to run.

Run as many as you like (one per machine is usual): each slot of each schedule is fired once
(jobs/scheduler.py). The jobs themselves run in ``manage.py db_worker`` processes.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from jobs.scheduler import tick


class Command(BaseCommand):
    help = "Enqueue each periodic job once per slot (safe to run on several machines)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Tick once and exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between ticks (default 5)."
        )

    def handle(self, *args, once: bool, interval: float, **options):
        if once:
            fired = tick()
            self.stdout.write("fired: " + (", ".join(fired) or "nothing (already fired)"))
            return
        self.running = True

        def stop(*_):
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while self.running:
            close_old_connections()
            fired = tick()
            if fired and options["verbosity"] > 1:
                self.stdout.write("fired: " + ", ".join(fired))
            deadline = time.monotonic() + max(0.1, interval)
            while self.running and time.monotonic() < deadline:
                time.sleep(min(0.2, deadline - time.monotonic() + 0.01))
