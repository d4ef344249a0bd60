"""Database work for the live socket, off the event loop: a small pool of threads, each with
its own connection, instead of Channels' one database thread per process.

``channels.db.database_sync_to_async`` runs every consumer's database call on one thread of the
process, one after the other, and before and after each call lets Django look at the connection
(``close_old_connections``; with ``CONN_HEALTH_CHECKS`` that is a ``SELECT 1`` round trip on
the next use). Under load the socket's work queued behind that one thread while it waited on
the database. Here:

* ``LIVE_DB_THREADS`` threads (4 by default) run the calls, so one socket's transaction waits on
  PostgreSQL while another's runs. A socket still handles its frames one at a time, so its own
  order is kept; what two sockets do at once is serialised by the database's row locks, as it
  is between processes. On SQLite (the embedded default, one writer at a time) the pool is not
  used: the calls go to Channels' one thread as before.
* The connection of each thread is looked at (``close_old_connections``) at most every
  ``RECHECK_SECONDS``, and at once after a call that met a database error, instead of around
  every call: a connection lost with the database is replaced within seconds, without a round
  trip on every frame.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

RECHECK_SECONDS = 5.0

_local = threading.local()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def pooled() -> bool:
    """Whether the pool is used: more than one thread asked for, and a database that takes
    writers side by side (not SQLite)."""
    return settings.LIVE_DB_THREADS > 1 and connections["default"].vendor != "sqlite"


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.LIVE_DB_THREADS, thread_name_prefix="live-db"
            )
        return _pool


def _errors_occurred() -> bool:
    return any(getattr(c, "errors_occurred", False) for c in connections.all(initialized_only=True))


class PooledDatabaseWork(SyncToAsync):
    """``SyncToAsync`` on the pool, looking after each thread's connection as described above."""

    def thread_handler(self, loop, *args, **kwargs):
        now = time.monotonic()
        if now - getattr(_local, "checked", 0.0) >= RECHECK_SECONDS:
            close_old_connections()
            _local.checked = now
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            if settings.TESTING:
                # The test database is emptied and dropped between and after tests: leave no
                # connection open in the pool's threads.
                connections.close_all()
            elif _errors_occurred():
                close_old_connections()
                _local.checked = time.monotonic()


class _Lazy:
    """Decides on the first call (settings and the database are known by then) whether to run
    on the pool or on Channels' database thread."""

    def __init__(self, func):
        self.func = func
        self.runner = None

    async def __call__(self, *args, **kwargs):
        if self.runner is None:
            if pooled():
                self.runner = PooledDatabaseWork(
                    self.func, thread_sensitive=False, executor=_executor()
                )
            else:
                self.runner = database_sync_to_async(self.func)
        return await self.runner(*args, **kwargs)


def live_db(func):
    """Decorator: ``await`` the sync ``func`` on the live socket's database threads."""
    return _Lazy(func)
