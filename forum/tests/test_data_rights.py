"""The forum in the patient's download and in erasure; the care team's view of a held post."""

import pytest
from django.urls import reverse

from alerts.models import Alert
from care.privacy import patient_erase, workspace_export
from forum import services
from forum.models import Member, Post, Reaction, Report, Topic
from tests.factories import GPFactory, add_member, workspace_for

from .conftest import make_member

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_members_forum_records(space, other_member):
    author = make_member("Kai Author", "Slow River")
    workspace = workspace_for(author.user)
    post = services.topic_start(member=author, space=space, title="Mine", body="My words.")
    theirs = services.topic_start(member=other_member, space=space, title="T", body="B")
    services.report_create(member=author, post=theirs, reason="spam")
    services.react(member=author, post=theirs)
    export = workspace_export(workspace=workspace)
    assert [row["handle"] for row in export["forum.Member"]] == ["Slow River"]
    assert [row["body"] for row in export["forum.Post"]] == ["My words."]
    assert [row["title"] for row in export["forum.Topic"]] == ["Mine"]
    assert len(export["forum.Report"]) == 1 and len(export["forum.Reaction"]) == 1
    assert str(post.pk) in {row["id"] for row in export["forum.Post"]}


def test_erasure_removes_their_posts_and_keeps_others_replies_under_a_former_member(
    space, other_member
):
    author = make_member("Kai Author", "Slow River")
    workspace_for(author.user)
    replied = services.topic_start(member=author, space=space, title="Kai's pacing", body="Mine")
    services.reply(member=other_member, topic=replied.topic, body="A reply that stays.")
    alone = services.topic_start(member=author, space=space, title="Alone", body="Only mine")
    theirs = services.topic_start(member=other_member, space=space, title="T", body="B")
    services.reply(member=author, topic=theirs.topic, body="My reply to them.")
    services.report_create(member=author, post=theirs, reason="spam")
    services.react(member=other_member, post=replied)
    patient_erase(patient=author.user)
    assert not Member.objects.filter(handle="Slow River").exists()
    assert not Post.objects.filter(body__in=["Mine", "Only mine", "My reply to them."]).exists()
    assert not Topic.objects.filter(pk=alone.topic_id).exists()
    kept = Topic.objects.get(pk=replied.topic_id)
    assert kept.title == "" and kept.author is None
    assert list(kept.posts.values_list("body", flat=True)) == ["A reply that stays."]
    assert Topic.objects.filter(pk=theirs.topic_id).exists()
    assert not Report.objects.exists() and not Reaction.objects.exists()


def test_the_care_team_reads_the_held_post_on_the_alert(
    client, space, django_capture_on_commit_callbacks
):
    author = make_member("Kai Author", "Slow River", alerts=True)
    workspace = workspace_for(author.user)
    gp = GPFactory()
    add_member(workspace, gp, [])
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_start(member=author, space=space, title="Tonight", body="I want to die.")
    alert = Alert.objects.get(workspace=workspace, kind="forum")
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    page = client.get(reverse("clinician:alert_detail", args=[alert.pk])).content.decode()
    assert "I want to die." in page and "peer support forum" in page
