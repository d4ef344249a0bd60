"""The bare Channels relay: what any text frame sent to a room is sent to everyone in it.

No authentication, no database, no validation: the floor the live socket is compared with, on
the same channel layer and in the same Daphne process.
"""

from channels.generic.websocket import AsyncWebsocketConsumer


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
