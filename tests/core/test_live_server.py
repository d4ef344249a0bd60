"""The browser tests' live server never runs two requests on one shared SQLite connection."""

import threading
import time
import urllib.request

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test.testcases import LiveServerThread

from tests.live_server import SerialisedWSGIServer, shares_one_connection


def most_requests_at_once(server_class, clients=6):
    """Serve a slow application with ``server_class`` and count the most calls that overlapped."""
    inside = most = 0
    guard = threading.Lock()

    def slow_app(environ, start_response):
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.2)
        with guard:
            inside -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = server_class(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(slow_app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        threads = [
            threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read())
            for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        server.shutdown()
        server.server_close()
    return most


def test_the_live_server_is_serialised_exactly_when_the_connection_is_shared():
    if shares_one_connection():
        assert LiveServerThread.server_class is SerialisedWSGIServer
    else:
        assert LiveServerThread.server_class is not SerialisedWSGIServer


def test_the_serialised_server_runs_one_application_call_at_a_time():
    assert most_requests_at_once(SerialisedWSGIServer) == 1


def test_a_plain_threaded_server_overlaps_the_same_load():
    """The control: without the lock the same load overlaps, so the test above can fail."""
    assert most_requests_at_once(ThreadedWSGIServer) > 1
