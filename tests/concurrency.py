"""Run several jobs at the same moment, each in its own thread and database connection: the
races that the platform's locks and unique rows must win (PostgreSQL; in-memory SQLite cannot
wait for a lock)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def run_at_once(jobs: list[Callable[[], object]], *, timeout: float = 120) -> None:
    """Start every job together (a barrier) and fail if any of them raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert errors == []
