"""Posting: what is published at once and what waits for a moderator, and why."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from forum import services
from forum.models import Mode, ModerationEvent, Post, Topic

from .conftest import make_member

pytestmark = pytest.mark.django_db


def test_a_trusted_member_publishes_at_once(member, space):
    post = services.topic_start(
        member=member, space=space, title="Mornings", body="How do you start?"
    )
    assert post.status == Post.Status.PUBLISHED and not post.in_queue
    topic = Topic.objects.get()
    assert topic.post_count == 1 and topic.author == member


def test_a_new_members_first_posts_are_read_first(space):
    newcomer = make_member("Nia New", "Small Steps", trusted=False)
    post = services.topic_start(member=newcomer, space=space, title="Hello", body="I am new here.")
    assert post.status == Post.Status.PENDING and post.held == Post.Held.FIRST_POSTS
    assert post.risk == "green" and post.in_queue
    assert Topic.objects.get().post_count == 0


@pytest.mark.parametrize(
    "body",
    [
        "Some days I want to die.",
        "I keep thinking about SUICIDE lately",
        "jeg har tanker om selvmord",
        "Jeg vil ikke leve mere",
        "jeg vil  ikke være her lenger",
        "I might hurt\nmyself tonight",
    ],
)
def test_words_that_may_mean_risk_hold_the_post_as_a_crisis(member, space, body):
    post = services.topic_start(member=member, space=space, title="Tonight", body=body)
    assert post.status == Post.Status.PENDING
    assert post.held == Post.Held.WATCHED_TERM and post.risk == "crisis" and post.watched_terms
    hold = ModerationEvent.objects.get(action="hold", post=post)
    assert hold.detail["terms_version"]


@pytest.mark.parametrize("body", ["My dietician helped.", "I overdid the walk.", "killjoy weather"])
def test_ordinary_words_are_not_held(member, space, body):
    post = services.topic_start(member=member, space=space, title="Walks", body=body)
    assert post.status == Post.Status.PUBLISHED


def test_a_pre_moderated_space_and_a_read_only_space(member, space):
    space.mode = Mode.PRE_MODERATED
    space.save()
    post = services.topic_start(member=member, space=space, title="A", body="Words.")
    assert post.held == Post.Held.SPACE
    space.mode = Mode.READ_ONLY
    space.save()
    with pytest.raises(ValidationError, match="read only"):
        services.reply(member=member, topic=post.topic, body="More.")


def test_outside_the_moderators_hours_posts_wait_by_default(member, space, settings):
    settings.FORUM_STAFFED_HOURS = {
        "days": [0, 1, 2, 3, 4],
        "start": "08:00",
        "end": "22:00",
        "time_zone": "Europe/Oslo",
    }
    settings.FORUM_OUT_OF_HOURS = "pre_moderate"
    with time_machine.travel(
        datetime(2026, 12, 5, 12, 0, tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Oslo"))
    ):
        assert not services.is_staffed()  # a Saturday
        post = services.topic_start(member=member, space=space, title="A", body="Words.")
    assert post.held == Post.Held.OUT_OF_HOURS
    with time_machine.travel(
        datetime(2026, 12, 7, 9, 0, tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Oslo"))
    ):
        assert services.is_staffed()
        later = services.reply(member=member, topic=post.topic, body="More words.")
    assert later.status == Post.Status.PUBLISHED


@pytest.mark.parametrize(
    ("title", "body"),
    [("", "x"), ("x", ""), ("x", "   "), ("x", "a" * 5001), ("x" * 151, "x"), ("x", "a\x00b"),
     ("x", "a\ud800b"), (None, "x"), ("x", ["list"])],
)  # fmt: skip
def test_bad_input_is_refused_and_stores_nothing(member, space, title, body):
    with pytest.raises(ValidationError):
        services.topic_start(member=member, space=space, title=title, body=body)
    assert not Topic.objects.exists() and not Post.objects.exists()


def test_unknown_content_warnings_are_refused(member, space):
    with pytest.raises(ValidationError):
        services.topic_start(
            member=member, space=space, title="A", body="B", content_warnings=["x"]
        )
    post = services.topic_start(
        member=member, space=space, title="A", body="B", content_warnings=["loss", "loss"]
    )
    assert post.content_warnings == ["loss"]


def test_a_locked_topic_takes_no_replies_and_a_suspended_member_cannot_post(
    member, space, moderator
):
    post = services.topic_start(member=member, space=space, title="A", body="B")
    Topic.objects.filter(pk=post.topic_id).update(locked=True)
    post.topic.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.reply(member=member, topic=post.topic, body="C")
    services.member_state_set(member=member, by=moderator, state="suspended", reason="Threats.")
    member.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.topic_start(member=member, space=space, title="A", body="B")


def test_slow_mode_spaces_out_posts(member, space):
    space.slow_mode_seconds = 600
    space.save()
    post = services.topic_start(member=member, space=space, title="A", body="B")
    with pytest.raises(ValidationError, match="slow mode"):
        services.reply(member=member, topic=post.topic, body="C")


def test_this_helped_toggles_once_per_member(member, other_member, space):
    post = services.topic_start(member=member, space=space, title="A", body="B")
    assert services.react(member=other_member, post=post) is True
    post.refresh_from_db()
    assert post.helped_count == 1
    assert services.react(member=other_member, post=post) is False
    post.refresh_from_db()
    assert post.helped_count == 0
