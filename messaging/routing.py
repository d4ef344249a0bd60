"""Websocket routes of the messaging domain: the one live socket per browser tab."""

from django.urls import path

from messaging.consumers import LiveConsumer

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi(), name="live"),
]
