"""Websocket routes of the messaging domain (the live socket lands with the messaging issue)."""

websocket_urlpatterns: list = []
