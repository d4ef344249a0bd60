"""A live server that handles one request at a time when the test database is in-memory SQLite.

Django's live server is threaded, and with in-memory SQLite every thread shares the test
thread's one connection. Two requests in flight at once (a page and its favicon, a form post
and a prefetch) then interleave their savepoints on that connection, and the second release
fails with ``no such savepoint``. Serialising the application call keeps every request's
transaction whole. Real databases give each request thread its own connection, so there the
server stays concurrent.
"""

import threading

from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections


class SerialisedWSGIServer(ThreadedWSGIServer):
    def set_app(self, application):
        lock = threading.Lock()

        def serialised(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(serialised)


def shares_one_connection():
    """True when the live server would share the test thread's database connection."""
    return any(
        conn.vendor == "sqlite"
        and conn.creation.is_in_memory_db(conn.settings_dict["TEST"].get("NAME") or ":memory:")
        for conn in connections.all()
    )
