"""The bare Channels relays: what any text frame sent to a room is sent to everyone in it.

No authentication, no database, no validation: the floor the live socket is compared with, on
the same channel layer and in the same Daphne process.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from messaging.models import Message


class BareRelayConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = "benchrelay." + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.group, {"type": "relay", "text": text_data})

    async def relay(self, event):
        await self.send(text_data=event["text"])


@database_sync_to_async
def _store(thread_id: str, sequence: int, client_id: str, body: str) -> None:
    Message.objects.create(thread_id=thread_id, sequence=sequence, client_id=client_id, body=body)


class BarePersistedRelayConsumer(BareRelayConsumer):
    """The bare relay plus one INSERT per message (through Channels' database thread) before
    relaying it: the floor of a *persisted* relay. The room is a thread id; the client numbers
    its frames so that sequences stay unique."""

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        await _store(
            self.scope["url_route"]["kwargs"]["room"], frame["n"], frame["c"], frame["body"]
        )
        await super().receive(text_data=text_data)


class BareAuthenticatedConsumer(AsyncWebsocketConsumer):
    """The floor of an authenticated socket: behind the same Origin check and session
    authentication as the live socket (the session and the user are read from the database),
    it accepts a signed-in user, says hello, and answers ``resume`` with ``resumed``. Nothing
    else: no slot, no presence, no groups, no threads."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        await self.accept()
        await self.send(text_data=json.dumps({"v": 1, "type": "hello", "user": str(user.pk)}))

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        kind = "resumed" if frame.get("type") == "resume" else "pong"
        await self.send(text_data=json.dumps({"v": 1, "type": kind, "not_found": []}))
