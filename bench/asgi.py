"""Bench ASGI app: the product's application, plus the bare relays at ``/bench/relay/<room>/``
and ``/bench/relay-db/<thread id>/`` (the same relay with one INSERT per message).

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

from bench.relay import BarePersistedRelayConsumer, BareRelayConsumer  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

product_websocket = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
)
bare_websocket = URLRouter(
    [
        path("bench/relay/<str:room>/", BareRelayConsumer.as_asgi()),
        path("bench/relay-db/<str:room>/", BarePersistedRelayConsumer.as_asgi()),
    ]
)


async def websocket(scope, receive, send):
    app = bare_websocket if scope["path"].startswith("/bench/") else product_websocket
    return await app(scope, receive, send)


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket})
