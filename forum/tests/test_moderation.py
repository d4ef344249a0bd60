"""Reports, the queue by risk, moderators' decisions, and the crisis pathway to the care team."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from alerts.models import Alert
from forum import selectors, services
from forum.models import Member, ModerationEvent, Post, Report, Topic
from tests.factories import GPFactory

from .conftest import make_member

pytestmark = pytest.mark.django_db


def _post(member, space, body="Something ordinary."):
    return services.topic_start(member=member, space=space, title="A topic", body=body)


def test_a_report_is_anonymous_acknowledged_and_queued_by_risk(member, other_member, space):
    post = _post(member, space)
    report = services.report_create(member=other_member, post=post, reason="harmful")
    assert report.reporter == other_member
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.risk == "red" and post.in_queue
    with pytest.raises(ValidationError, match="already"):
        services.report_create(member=other_member, post=post, reason="spam")
    with pytest.raises(ValidationError, match="own post"):
        services.report_create(member=member, post=post, reason="spam")
    with pytest.raises(ValidationError):
        services.report_create(member=other_member, post=post, reason="boring")


def test_someone_may_be_at_risk_holds_the_post_and_goes_first(member, other_member, space):
    amber = _post(member, space)
    services.report_create(member=other_member, post=amber, reason="rules")
    risky = _post(member, space)
    services.report_create(member=other_member, post=risky, reason="at_risk")
    risky.refresh_from_db()
    assert risky.status == Post.Status.PENDING and risky.risk == "crisis"
    assert [p.pk for p in selectors.queue()][:1] == [risky.pk]


def test_the_queue_puts_crisis_first_then_whatever_is_overdue_so_amber_never_starves(
    member, other_member, space
):
    now = timezone.now()
    amber = _post(member, space)
    services.report_create(member=other_member, post=amber, reason="rules")
    red = _post(member, space)
    services.report_create(member=other_member, post=red, reason="harmful")
    crisis = _post(member, space, "I want to die.")
    assert [p.pk for p in selectors.queue(now)] == [crisis.pk, red.pk, amber.pk]
    # Five hours on, the amber report is past its four hours; a new red one is not yet due.
    later = now + timedelta(hours=5)
    Post.objects.filter(pk=red.pk).update(review_due_at=later + timedelta(minutes=30))
    assert [p.pk for p in selectors.queue(later)] == [crisis.pk, amber.pk, red.pk]


def test_moderators_decide_and_every_decision_is_recorded(member, space, moderator):
    newcomer = make_member("Nia New", "Small Steps", trusted=False)
    post = _post(newcomer, space)
    with pytest.raises(PermissionDenied):
        services.post_decide(post=post, by=GPFactory(), action="approve")
    services.post_decide(post=post, by=moderator, action="approve")
    post.refresh_from_db()
    newcomer.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and not post.in_queue
    assert newcomer.approved_posts == 1 and post.topic.__class__.objects.get().post_count == 1
    with pytest.raises(ValidationError):  # hiding needs a reason
        services.post_decide(post=post, by=moderator, action="hide")
    services.post_decide(post=post, by=moderator, action="hide", reason="Names a clinic.")
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN and Topic.objects.get().post_count == 0
    told = ModerationEvent.objects.get(action="hide")
    assert told.told_member and told.member == newcomer and told.actor == moderator
    with pytest.raises(ValidationError, match="already"):
        services.post_decide(post=post, by=moderator, action="reject", reason="x")
    services.post_decide(post=post, by=moderator, action="restore")
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


def test_a_peer_supporter_can_hide_pending_review(member, other_member, space, moderator):
    post = _post(member, space)
    with pytest.raises(PermissionDenied):
        services.peer_hide(post=post, by=other_member, reason="Unkind")
    Member.objects.filter(pk=other_member.pk).update(kind=Member.Kind.PEER_SUPPORTER)
    other_member.refresh_from_db()
    services.peer_hide(post=post, by=other_member, reason="Unkind")
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN and post.in_queue and post.risk == "red"


@pytest.mark.parametrize("agreed", [True, False])
def test_a_held_crisis_post_alerts_the_care_team_only_when_the_patient_agreed(
    space, agreed, django_capture_on_commit_callbacks
):
    from tests.factories import GPFactory as GP
    from tests.factories import add_member, workspace_for

    author = make_member("Kai Author", "Slow River", alerts=agreed)
    workspace = workspace_for(author.user)
    add_member(workspace, GP(), [])
    with django_capture_on_commit_callbacks(execute=True):
        post = _post(author, space, "I want to end my life.")
    alerts = Alert.objects.filter(workspace=workspace, kind="forum")
    assert alerts.count() == (1 if agreed else 0)
    if agreed:
        alert = alerts.get()
        assert alert.severity == "urgent" and alert.membership is not None
        assert ModerationEvent.objects.filter(action="alert", post=post).exists()
    # Held either way, and first in the queue.
    assert selectors.queue()[0].pk == post.pk


def test_outside_hours_three_reports_hide_a_post_and_five_make_the_author_premoderated(
    member, space, members, out_of_hours
):
    first = _post(member, space)
    reporters = members(5)
    for reporter in reporters[:2]:
        services.report_create(member=reporter, post=first, reason="rules")
    first.refresh_from_db()
    assert first.status == Post.Status.PUBLISHED
    services.report_create(member=reporters[2], post=first, reason="rules")
    first.refresh_from_db()
    assert first.status == Post.Status.HIDDEN and first.held == Post.Held.REPORTS
    second = _post(member, space)
    services.report_create(member=reporters[3], post=second, reason="spam")
    member.refresh_from_db()
    assert member.state == Member.State.ACTIVE  # four reports
    services.report_create(member=reporters[4], post=second, reason="spam")
    member.refresh_from_db()
    assert member.state == Member.State.PRE_MODERATED
    assert member.moderation.get(action="state").told_member


def test_in_hours_reports_go_to_the_moderators_and_hide_nothing(member, space, members):
    post = _post(member, space)
    for reporter in members(4):
        services.report_create(member=reporter, post=post, reason="rules")
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.report_count == 4 and post.in_queue


@pytest.mark.django_db(transaction=True)
def test_two_reports_at_once_count_twice_never_three_times(space, out_of_hours):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite locks the whole file)")
    author = make_member("Ada Author", "Still Water")
    post = _post(author, space)
    first, second, third = (make_member(f"R {i}", f"Reporter {chr(65 + i)}") for i in range(3))
    services.report_create(member=first, post=post, reason="rules")
    barrier = threading.Barrier(2)
    errors = []

    def report(who):
        try:
            barrier.wait()
            services.report_create(member=who, post=post, reason="rules")
        except Exception as exc:  # pragma: no cover - shown below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(m,)) for m in (second, third)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    post.refresh_from_db()
    assert post.report_count == 3 == Report.objects.filter(post=post).count()
    assert post.status == Post.Status.HIDDEN
    assert ModerationEvent.objects.filter(action="auto_hide", post=post).count() == 1


def test_moderators_close_pin_and_move_a_topic_and_it_is_recorded(member, space, moderator):
    from forum.models import Space

    other_space = Space.objects.create(slug="pain", title="Pain")
    post = _post(member, space)
    topic = post.topic
    with pytest.raises(PermissionDenied):
        services.topic_moderate(topic=topic, by=member.user, action="lock")
    services.topic_moderate(topic=topic, by=moderator, action="lock", reason="Run its course.")
    services.topic_moderate(topic=topic, by=moderator, action="pin")
    with pytest.raises(ValidationError):
        services.topic_moderate(topic=topic, by=moderator, action="move")
    services.topic_moderate(topic=topic, by=moderator, action="move", space=other_space)
    topic.refresh_from_db()
    assert topic.locked and topic.pinned and topic.space == other_space
    changes = ModerationEvent.objects.filter(action="topic").values_list(
        "detail__change", flat=True
    )
    assert sorted(changes) == ["lock", "move", "pin"]
    with pytest.raises(ValidationError, match="closed"):
        services.reply(member=member, topic=topic, body="More")


def test_a_member_appeals_once_and_a_moderators_answer_closes_it(member, space, moderator):
    services.member_state_set(
        member=member, by=moderator, state="premoderated", reason="Several reports."
    )
    appeal = services.appeal_send(member=member, text="They were about my own pain, not others.")
    assert selectors.open_appeals() == [appeal]
    with pytest.raises(ValidationError, match="already"):
        services.appeal_send(member=member, text="Again")
    with pytest.raises(ValidationError):
        services.appeal_send(member=make_member("Ny", "Other Name"), text="  ")
    services.member_state_set(member=member, by=moderator, state="active", reason="Fair point.")
    assert selectors.open_appeals() == []
    told = member.moderation.filter(action="state", told_member=True).first()
    assert told.reason == "Fair point."


def test_a_moderator_edits_a_post_with_a_reason_and_the_original_is_kept(member, space, moderator):
    post = _post(member, space, "Call me on 55512345, I live on Elm Road.")
    with pytest.raises(PermissionDenied):
        services.post_edit(post=post, by=member.user, body="x", reason="y")
    with pytest.raises(ValidationError):
        services.post_edit(post=post, by=moderator, body="Call me.", reason=" ")
    services.post_edit(
        post=post, by=moderator, body="[removed: contact details]", reason="Privacy."
    )
    post.refresh_from_db()
    assert post.body == "[removed: contact details]" and post.edited_at
    event = ModerationEvent.objects.get(action="edit")
    assert event.detail["original"].startswith("Call me on") and event.told_member


def test_a_profile_is_reported_once_anonymously_and_handled(member, other_member, moderator):
    report = services.profile_report(member=other_member, about=member, reason="harmful")
    assert selectors.open_profile_reports() == [report]
    with pytest.raises(ValidationError, match="already"):
        services.profile_report(member=other_member, about=member, reason="spam")
    with pytest.raises(ValidationError, match="own profile"):
        services.profile_report(member=member, about=member, reason="spam")
    services.profile_report_handle(report=report, by=moderator)
    assert selectors.open_profile_reports() == []
