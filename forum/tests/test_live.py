"""Live updates over the platform's live socket: members hear of new posts, moderators of the
queue, with ids only; a patient who has not joined hears nothing."""

import json

import pytest
from asgiref.sync import sync_to_async

from forum import services
from messaging.tests.test_live_socket import connect, next_frame
from tests.factories import ModeratorFactory, PatientFactory

from .conftest import make_member

pytestmark = pytest.mark.django_db(transaction=True)


async def _nothing(socket) -> bool:
    return await socket.receive_nothing(timeout=0.3)


async def test_members_hear_of_a_new_post_with_ids_only(space):
    reader = await sync_to_async(make_member)("Robin Reader", "Calm Lake")
    author = await sync_to_async(make_member)("Zelda Canarysson", "Bright Meadow")
    outsider = await sync_to_async(PatientFactory)(full_name="Nils Notjoined")
    moderator = await sync_to_async(ModeratorFactory)()
    member_socket, ok, _ = await connect(reader.user)
    outsider_socket, ok2, _ = await connect(outsider)
    moderator_socket, ok3, _ = await connect(moderator)
    assert ok and ok2 and ok3
    post = await sync_to_async(services.topic_start)(
        member=author, space=space, title="Pacing", body="Breaks help."
    )
    frame = await next_frame(member_socket)
    assert frame["kind"] == "forum.post"
    assert frame["data"] == {"topic": str(post.topic_id), "post": str(post.pk)}
    raw = json.dumps(frame)
    for secret in ("Zelda", "Canarysson", "Bright Meadow", "Breaks help", author.user.email):
        assert secret not in raw
    assert (await next_frame(moderator_socket))["data"]["post"] == str(post.pk)
    assert await _nothing(outsider_socket)
    for socket in (member_socket, outsider_socket, moderator_socket):
        await socket.disconnect()


async def test_a_held_post_reaches_only_the_moderators(space):
    reader = await sync_to_async(make_member)("Robin Reader", "Calm Lake")
    author = await sync_to_async(make_member)("Kai Author", "Slow River")
    moderator = await sync_to_async(ModeratorFactory)()
    member_socket, _ok, _ = await connect(reader.user)
    moderator_socket, _ok, _ = await connect(moderator)
    post = await sync_to_async(services.topic_start)(
        member=author, space=space, title="Tonight", body="I want to die."
    )
    assert (await next_frame(moderator_socket))["data"]["post"] == str(post.pk)
    assert await _nothing(member_socket)
    await member_socket.disconnect()
    await moderator_socket.disconnect()


async def test_joining_while_connected_brings_the_socket_into_the_forum(space):
    patient = await sync_to_async(PatientFactory)(full_name="Nia New")
    author = await sync_to_async(make_member)("Kai Author", "Slow River")
    socket, _ok, _ = await connect(patient)
    await sync_to_async(services.member_join)(
        user=patient, handle="Small Steps", accepted_rules=True
    )
    assert (await next_frame(socket))["type"] == "access_changed"  # handled: groups re-read
    post = await sync_to_async(services.topic_start)(
        member=author, space=space, title="Hi", body="Hello all."
    )
    frame = await next_frame(socket)
    assert frame["kind"] == "forum.post" and frame["data"]["post"] == str(post.pk)
    await socket.disconnect()
