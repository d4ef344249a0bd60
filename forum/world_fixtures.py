"""Forum objects in the authorization world: both patients are members; the owner opened a
topic the other patient replied to, and has a post held for a moderator. The owner's name
carries the canary, so a page that showed a member's name to another member would fail."""

from __future__ import annotations

from django.test import override_settings

from forum import services
from forum.models import Member, Space


def extend_world(world) -> None:
    space = Space.objects.create(slug="general", title="General")
    owner = services.member_join(
        user=world.users["owner"], handle="Bright Meadow", accepted_rules=True,
        care_team_alerts=True,
    )  # fmt: skip
    other = services.member_join(
        user=world.users["other_patient"], handle="Calm Lake", accepted_rules=True
    )
    Member.objects.filter(pk__in=[owner.pk, other.pk]).update(
        approved_posts=services.FIRST_POSTS_READ
    )
    owner.refresh_from_db()
    other.refresh_from_db()
    # Published whatever the hour the suite runs at (outside the moderators' hours posts would
    # wait for the morning by default, and the matrix needs them published).
    with override_settings(FORUM_OUT_OF_HOURS="publish"):
        first = services.topic_start(
            member=owner, space=space, title="Pacing on busy days", body="What helps you pace?"
        )
        services.reply(member=other, topic=first.topic, body="Short breaks, every hour.")
    held = services.reply(member=owner, topic=first.topic, body="Some nights I want to die.")
    world.objects["forum_topic"] = first.topic
    world.objects["forum_post"] = first
    world.objects["forum_held"] = held
    world.objects["forum_member"] = owner
    world.objects["forum_profile_report"] = services.profile_report(
        member=other, about=owner, reason="rules"
    )
