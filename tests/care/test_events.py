"""Publishing after commit: one hop into the event loop for every group, failures logged only."""

import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.db import transaction

from care.events import publish_many, user_group

pytestmark = pytest.mark.django_db(transaction=True)

EVENT = {"type": "message.event", "kind": "created", "thread": "t", "sequence": 1}


def _subscribe(groups) -> dict[str, str]:
    layer = get_channel_layer()
    channels = {}
    for group in groups:
        channels[group] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channels[group])
    return channels


def _pending(channel) -> list[dict]:
    """Everything waiting on a bare channel of the in-memory layer, without waiting."""
    layer = get_channel_layer()
    queue = layer.channels.get(channel)
    found = []
    while queue is not None and not queue.empty():
        found.append(async_to_sync(layer.receive)(channel))
    return found


def test_every_group_gets_the_event_once_after_commit(in_memory_channel_layer):
    groups = [user_group("a"), user_group("b")]
    channels = _subscribe(groups)
    with transaction.atomic():
        publish_many([*groups, groups[0]], EVENT)  # a repeated group is sent to once
        assert all(_pending(channel) == [] for channel in channels.values())  # not before commit
    for channel in channels.values():
        assert _pending(channel) == [EVENT]


def test_a_rolled_back_transaction_publishes_nothing(in_memory_channel_layer):
    channels = _subscribe([user_group("a")])
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_many([user_group("a")], EVENT)
        raise RuntimeError("rolled back")
    assert _pending(channels[user_group("a")]) == []


def test_an_unreachable_layer_is_logged_and_never_breaks_the_commit(settings, caplog):
    # A real Redis client against a port where nothing listens: the layer fails for real.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        with caplog.at_level(logging.WARNING, logger="care.events"), transaction.atomic():
            publish_many([user_group("a"), user_group("b")], EVENT)
        assert "publish failed for event message.event (2 of 2 groups)" in caplog.text
        assert "thread" not in caplog.text.split("publish failed")[1]  # ids stay out of the log
    finally:
        channel_layers.backends.clear()
