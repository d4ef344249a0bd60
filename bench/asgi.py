"""Bench ASGI app: the product's application, plus the bare relays at ``/bench/relay/<room>/``
and ``/bench/relay-db/<thread id>/`` (the same relay with one INSERT per message), and the bare
authenticated socket at ``/bench/auth/``.

The product's websocket stack (Origin check, session authentication, ``/ws/live/``) is used
unchanged; the bare relay sits beside it, outside that stack, on the same channel layer.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from bench.relay import (  # noqa: E402
    BareAuthenticatedConsumer,
    BarePersistedRelayConsumer,
    BareRelayConsumer,
)
from config.routing import websocket_urlpatterns  # noqa: E402

product_websocket = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
)
# The bare authenticated socket: the product's Origin check and session authentication, then
# nothing but hello and resumed (the floor of the reconnect storm).
bare_authenticated = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter([path("bench/auth/", BareAuthenticatedConsumer.as_asgi())]))
)
bare_websocket = URLRouter(
    [
        path("bench/relay/<str:room>/", BareRelayConsumer.as_asgi()),
        path("bench/relay-db/<str:room>/", BarePersistedRelayConsumer.as_asgi()),
    ]
)


async def websocket(scope, receive, send):
    if scope["path"].startswith("/bench/auth/"):
        return await bare_authenticated(scope, receive, send)
    app = bare_websocket if scope["path"].startswith("/bench/") else product_websocket
    return await app(scope, receive, send)


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket})
