"""Every websocket route of the platform; each is classified in the access table (tests check)."""

from messaging.routing import websocket_urlpatterns as messaging_routes

websocket_urlpatterns = [*messaging_routes]
