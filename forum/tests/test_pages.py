"""The forum's pages, as members and moderators use them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import services
from forum.models import Member, Post, Topic
from tests.factories import GPFactory, PatientFactory, workspace_for
from toolbox import services as toolbox

from .conftest import make_member

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Zelda Canarysson", "zelda.canarysson@example.test"


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def test_a_patient_joins_from_the_forums_front_door(client, space):
    patient = PatientFactory(full_name="Sam Member", email="sam@example.test")
    login(client, patient)
    door = client.get(reverse("patient:forum_home"))
    assert door.status_code == 200 and "House rules" in door.content.decode()
    refused = client.post(
        reverse("patient:forum_join"), {"handle": "Sam the brave", "accepted_rules": "on"}
    )
    assert refused.status_code == 400 and "your own name" in refused.content.decode()
    assert not Member.objects.exists()
    joined = client.post(
        reverse("patient:forum_join"), {"handle": "Quiet Harbour", "accepted_rules": "on"}
    )
    assert joined.status_code == 302
    member = Member.objects.get()
    assert member.handle == "Quiet Harbour" and not member.care_team_alerts
    home = client.get(reverse("patient:forum_home")).content.decode()
    assert "Quiet Harbour" in home and "General" in home


def test_no_page_another_member_sees_shows_a_members_name_or_email(client, space, moderator):
    author = make_member(NAME, "Bright Meadow", email=EMAIL)
    reader = make_member("Robin Reader", "Calm Lake")
    post = services.topic_start(member=author, space=space, title="Pacing", body="Breaks help.")
    services.reply(member=reader, topic=post.topic, body="Thank you.")
    services.reply(member=author, topic=post.topic, body="You are welcome.")
    login(client, reader.user)
    for url in [
        reverse("patient:forum_home"),
        reverse("patient:forum_space", args=[space.slug]),
        reverse("patient:forum_topic", args=[post.topic_id]),
        reverse("patient:forum_report", args=[post.pk]),
    ]:
        body = client.get(url).content.decode()
        assert "Bright Meadow" in body or url.endswith("/report/") or url.endswith("/forum/")
        for secret in ("Zelda", "Canarysson", EMAIL):
            assert secret not in body, f"{url} shows {secret}"
    # Moderators see the handle too, and the person only through the recorded look-up.
    login(client, moderator)
    for url in [
        reverse("clinician:forum_queue"),
        reverse("clinician:forum_post", args=[post.pk]),
        reverse("clinician:forum_member", args=[author.pk]),
    ]:
        body = client.get(url).content.decode()
        assert "Canarysson" not in body and EMAIL not in body
    looked = client.post(
        reverse("clinician:forum_lookup", args=[author.pk]), {"reason": "Safety concern."}
    ).content.decode()
    assert NAME in looked and EMAIL in looked


def test_a_crisis_post_is_held_and_the_author_sees_their_plan_and_the_lines_at_once(
    client, space, moderator
):
    author = make_member("Kai Author", "Slow River")
    workspace = workspace_for(author.user)
    toolbox.crisis_item_add(
        workspace=workspace, by=author.user, kind="self_help", text="Walk round the block with Bo"
    )
    calm = make_member("Ada Calm", "Still Water", trusted=False)
    services.topic_start(member=calm, space=space, title="Hello", body="New here.")
    login(client, author.user)
    response = client.post(
        reverse("patient:forum_space", args=[space.slug]),
        {"title": "Tonight", "body": "I want to end my life."},
    )
    post = Post.objects.get(author=author)
    assert response.status_code == 302
    assert response["Location"] == reverse("patient:forum_held", args=[post.pk])
    held = client.get(response["Location"]).content.decode()
    assert "Walk round the block with Bo" in held and 'href="tel:112"' in held
    # The topic is not shown to anyone else while its only post waits.
    login(client, calm.user)
    assert (
        "Tonight"
        not in client.get(reverse("patient:forum_space", args=[space.slug])).content.decode()
    )
    assert client.get(reverse("patient:forum_topic", args=[post.topic_id])).status_code == 404
    # First in the moderators' queue, before the older routine one.
    login(client, moderator)
    queue = client.get(reverse("clinician:forum_queue")).content.decode()
    assert queue.index(f"/clinic/forum/posts/{post.pk}/") < queue.index("New here")


def test_only_moderators_reach_the_moderators_pages(client, space, moderator):
    author = make_member("Kai Author", "Slow River", trusted=False)
    post = services.topic_start(member=author, space=space, title="Hi", body="First post.")
    url = reverse("clinician:forum_post", args=[post.pk])
    for outsider in (author.user, GPFactory()):
        assert login(client, outsider).get(url).status_code == 403
    login(client, moderator)
    assert client.get(reverse("clinician:forum_queue")).status_code == 200
    assert client.post(url, {"action": "hide"}).status_code == 400  # hiding needs a reason
    assert client.post(url, {"action": "approve"}).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


@pytest.mark.parametrize("body", ["", "a\x00b", "x" * 5001])
def test_bad_input_on_a_page_is_a_clear_400_and_stores_nothing(client, space, member, body):
    login(client, member.user)
    response = client.post(
        reverse("patient:forum_space", args=[space.slug]), {"title": "T", "body": body}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page or "cannot be stored" in page  # NUL: refused site-wide
    assert not Topic.objects.exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_and_topics_cost_the_same_for_2_and_50(client, space):
    reader = make_member("Robin Reader", "Calm Lake")
    writers = [
        make_member(f"W {i}", f"Writer {chr(65 + i % 26)}{chr(65 + i // 26)}") for i in range(3)
    ]
    login(client, reader.user)
    first = services.topic_start(member=writers[0], space=space, title="T0", body="B")
    services.reply(member=writers[1], topic=first.topic, body="R")
    space_url = reverse("patient:forum_space", args=[space.slug])
    topic_url = reverse("patient:forum_topic", args=[first.topic_id])
    client.get(space_url)
    few = (_queries(client, space_url), _queries(client, topic_url))
    for n in range(48):
        services.topic_start(member=writers[n % 3], space=space, title=f"T{n}", body="B")
        services.reply(member=writers[(n + 1) % 3], topic=first.topic, body=f"R{n}")
    Member.objects.update(last_posted_at=None)
    many = (_queries(client, space_url), _queries(client, topic_url))
    assert many == few


def test_a_peer_supporter_hides_a_post_from_the_page_and_a_member_cannot(client, space, member):
    other = make_member("Robin Other", "Morning Fern")
    post = services.topic_start(member=member, space=space, title="T", body="Unkind words.")
    url = reverse("patient:forum_peer_hide", args=[post.pk])
    assert login(client, other.user).post(url, {"reason": "Unkind"}).status_code == 403
    Member.objects.filter(pk=other.pk).update(kind=Member.Kind.PEER_SUPPORTER)
    page = client.get(reverse("patient:forum_topic", args=[post.topic_id])).content.decode()
    assert "Hide until a moderator looks" in page
    assert client.post(url, {"reason": "Unkind"}).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN and post.in_queue


def test_a_member_appeals_from_the_forums_page_and_the_moderator_sees_it(client, member, moderator):
    services.member_state_set(
        member=member, by=moderator, state="premoderated", reason="Several reports."
    )
    login(client, member.user)
    home = client.get(reverse("patient:forum_home")).content.decode()
    assert "Several reports." in home and "Ask the moderators to look again" in home
    assert client.post(reverse("patient:forum_appeal"), {"text": ""}).status_code == 400
    response = client.post(reverse("patient:forum_appeal"), {"text": "Please look again."})
    assert response.status_code == 302
    login(client, moderator)
    queue = client.get(reverse("clinician:forum_queue")).content.decode()
    assert "Please look again." in queue and member.handle in queue


def test_a_moderator_closes_a_topic_from_the_post_page(client, space, member, moderator):
    post = services.topic_start(member=member, space=space, title="T", body="B")
    login(client, moderator)
    url = reverse("clinician:forum_topic_action", args=[post.topic_id])
    assert client.post(url, {"action": "move"}).status_code == 400  # no space chosen
    assert client.post(url, {"action": "lock", "reason": "Done"}).status_code == 302
    post.topic.refresh_from_db()
    assert post.topic.locked


def test_a_member_reports_a_forum_name_and_the_moderator_handles_it(client, member, moderator):
    other = make_member("Robin Other", "Morning Fern")
    login(client, other.user)
    url = reverse("patient:forum_profile_report", args=[member.pk])
    page = client.get(url).content.decode()
    assert member.handle in page and "Sam Member" not in page
    assert client.post(url, {"reason": "harmful"}).status_code == 302
    login(client, moderator)
    queue = client.get(reverse("clinician:forum_queue")).content.decode()
    assert "Reported forum names" in queue and member.handle in queue


def test_the_moderators_queue_costs_the_same_for_2_and_50(client, space, moderator):
    newcomers = [make_member(f"N {i}", f"Newcomer {chr(65 + i)}", trusted=False) for i in range(2)]
    login(client, moderator)
    url = reverse("clinician:forum_queue")
    for member in newcomers:
        services.topic_start(member=member, space=space, title="Hello", body="New here.")
    client.get(url)
    few = _queries(client, url)
    for n in range(48):
        Member.objects.update(last_posted_at=None)
        services.topic_start(member=newcomers[n % 2], space=space, title=f"T{n}", body="Hi.")
    assert _queries(client, url) == few


def test_a_moderator_mutes_a_member_until_a_day_from_the_members_page(client, member, moderator):
    from datetime import timedelta

    from django.utils import timezone

    login(client, moderator)
    url = reverse("clinician:forum_member", args=[member.pk])
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert (
        client.post(url, {"state": "muted", "until": "9999-01-01", "reason": "x"}).status_code
        == 400
    )
    response = client.post(url, {"state": "muted", "until": day, "reason": "A day to cool off."})
    assert response.status_code == 302
    member.refresh_from_db()
    from zoneinfo import ZoneInfo

    # Midnight at the start of that day, in the moderator's own time zone.
    until = timezone.localtime(member.state_until, ZoneInfo(moderator.timezone))
    assert member.state == "muted" and until.date().isoformat() == day and until.hour == 0
