"""Running the forum: the forum admin's spaces and peer supporters, professionals taking part
with a badge, and the e-mail that tells a member the moderators have written."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from content.models import Programme
from forum import selectors, services
from forum.models import Member, Mode, ModerationEvent, Post, Space, Topic
from records.models import AuditEvent
from tests.factories import GPFactory, ModeratorFactory, TherapistFactory

from .conftest import make_member

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


@pytest.fixture
def forum_admin(db):
    return ModeratorFactory(role=User.Role.FORUM_ADMIN, full_name="Fran Admin")


SPACE_FORM = {
    "title": "Evenings",
    "description": "For the hard hours after dinner.",
    "programme_slug": "",
    "mode": "post",
    "slow_mode_minutes": "0",
    "position": "3",
}


# --- spaces --------------------------------------------------------------------------------


def test_a_forum_admin_opens_a_space_and_changes_its_mode_and_slow_mode(
    client, forum_admin, member
):
    login(client, forum_admin)
    assert client.get(reverse("clinician:forum_spaces")).status_code == 200
    opened = client.post(reverse("clinician:forum_spaces"), SPACE_FORM)
    assert opened.status_code == 302
    room = Space.objects.get(title="Evenings")
    assert room.slug == "evenings" and room.mode == Mode.POST_MODERATED
    # A published post, then the space turns pre-moderated with a 10-minute slow mode.
    services.topic_start(member=member, space=room, title="Tonight", body="Hello.")
    changed = client.post(
        reverse("clinician:forum_space_edit", args=[room.slug]),
        {**SPACE_FORM, "mode": "pre", "slow_mode_minutes": "10"},
    )
    assert changed.status_code == 302
    room.refresh_from_db()
    assert room.mode == Mode.PRE_MODERATED and room.slow_mode_seconds == 600
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="slow mode"):
        services.topic_start(member=member, space=room, title="Again", body="Hello again.")
    member.last_posted_at = None
    member.save(update_fields=["last_posted_at"])
    held = services.topic_start(member=member, space=room, title="Again", body="Hello again.")
    assert held.status == Post.Status.PENDING and held.held == Post.Held.SPACE
    # Every change is in the forum's record and the audit trail, with what changed.
    events = ModerationEvent.objects.filter(action=ModerationEvent.Action.SPACE)
    assert events.count() == 2
    assert events.first().detail["changes"] == {"mode": "pre", "slow_mode_seconds": 600}
    assert AuditEvent.objects.filter(action="forum.space.saved").count() == 2
    page = client.get(reverse("clinician:forum_space_edit", args=[room.slug])).content.decode()
    assert "slow_mode_seconds" in page  # the change list shows what changed


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "Even\x00ings"),
        ("title", "x" * 500),
        ("slow_mode_minutes", "100000"),
        ("slow_mode_minutes", "-1"),
        ("mode", "anarchy"),
        ("programme_slug", "no-such-programme"),
        ("position", "ten"),
    ],
)
def test_a_bad_space_gets_a_clear_error_and_changes_nothing(client, forum_admin, field, value):
    login(client, forum_admin)
    response = client.post(reverse("clinician:forum_spaces"), {**SPACE_FORM, field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page or "cannot be stored" in page
    assert not Space.objects.exists()
    assert not ModerationEvent.objects.exists()


def test_the_service_refuses_what_the_form_would_let_through(forum_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.space_save(by=forum_admin, title="Ok", slow_mode_seconds=10**9)
    with pytest.raises(ValidationError):
        services.space_save(by=forum_admin, title="Ok", programme_slug="Not A Slug!")
    assert not Space.objects.exists()


def test_only_the_forum_admin_runs_the_spaces(client, moderator, member, space):
    login(client, moderator)
    assert client.get(reverse("clinician:forum_spaces")).status_code == 403
    assert client.post(reverse("clinician:forum_spaces"), SPACE_FORM).status_code == 403
    edit = reverse("clinician:forum_space_edit", args=[space.slug])
    assert client.post(edit, {**SPACE_FORM, "mode": "read_only"}).status_code == 403
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.space_save(by=moderator, space=space, title="Mine now")
    space.refresh_from_db()
    assert space.title == "General" and space.mode == Mode.POST_MODERATED
    # The forum admin moderates too: the queue is theirs as well.
    admin = ModeratorFactory(role=User.Role.FORUM_ADMIN)
    login(client, admin)
    assert client.get(reverse("clinician:forum_queue")).status_code == 200
    home = client.get(reverse("clinician:forum_queue")).content.decode()
    assert reverse("clinician:forum_spaces") in home  # the menu has the spaces


def test_a_programme_gets_its_own_space_once(client, forum_admin):
    Programme.objects.create(slug="chronic-pain", title="Living with pain", published=True)
    Programme.objects.create(slug="draft", title="Not yet", published=False)
    login(client, forum_admin)
    page = client.get(reverse("clinician:forum_spaces")).content.decode()
    assert "Living with pain" in page and "Not yet" not in page
    url = reverse("clinician:forum_programme_space")
    assert client.post(url, {"programme": "chronic-pain"}).status_code == 302
    assert client.post(url, {"programme": "chronic-pain"}).status_code == 302
    room = Space.objects.get()
    assert room.programme_slug == "chronic-pain" and room.title == "Living with pain"
    # A programme that is not published, or does not exist, opens nothing.
    client.post(url, {"programme": "draft"})
    client.post(url, {"programme": "\x00"})
    assert Space.objects.count() == 1
    assert (
        "Programmes without a space"
        not in client.get(reverse("clinician:forum_spaces")).content.decode()
    )


# --- peer supporters ------------------------------------------------------------------------


def test_a_forum_admin_makes_a_member_a_peer_supporter_with_a_reason_they_are_sent(
    client, forum_admin, member, django_capture_on_commit_callbacks
):
    login(client, forum_admin)
    url = reverse("clinician:forum_member_kind", args=[member.pk])
    assert client.post(url, {"kind": "peer_supporter", "reason": ""}).status_code == 400
    member.refresh_from_db()
    assert member.kind == Member.Kind.MEMBER
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"kind": "peer_supporter", "reason": "Thank you for your kind replies."}
        )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.kind == Member.Kind.PEER_SUPPORTER
    notice = selectors.notices_for(member).get()
    assert notice.action == ModerationEvent.Action.ROLE and "kind replies" in notice.reason
    assert len(mail.outbox) == 1 and "kind replies" not in mail.outbox[0].body
    # A moderator who is not the admin cannot.
    login(client, ModeratorFactory())
    assert client.post(url, {"kind": "member", "reason": "No."}).status_code == 403
    member.refresh_from_db()
    assert member.kind == Member.Kind.PEER_SUPPORTER


def test_a_restricted_member_or_a_professional_cannot_be_made_a_peer_supporter(forum_admin):
    from django.core.exceptions import ValidationError

    muted = make_member("Mo Muted", "Still Water")
    muted.state = Member.State.SUSPENDED
    muted.save(update_fields=["state"])
    with pytest.raises(ValidationError):
        services.member_kind_set(member=muted, by=forum_admin, kind="peer_supporter", reason="x")
    gp = GPFactory(full_name="Dr Ada Lind")
    pro = services.professional_join(user=gp, handle="GP - east team", accepted_rules=True)
    with pytest.raises(ValidationError):
        services.member_kind_set(member=pro, by=forum_admin, kind="member", reason="x")
    with pytest.raises(ValidationError):
        services.member_kind_set(member=muted, by=forum_admin, kind="professional", reason="x")
    assert set(Member.objects.values_list("kind", flat=True)) == {"member", "professional"}


# --- professionals --------------------------------------------------------------------------


def test_a_gp_takes_part_under_a_forum_name_with_a_badge_never_their_own_name(
    client, space, member
):
    gp = GPFactory(full_name="Dr Ada Lindqvist", email="ada.lindqvist@example.test")
    topic = services.topic_start(member=member, space=space, title="Flare-ups", body="Tips?").topic
    login(client, gp)
    # Without a forum name the forum's pages lead to the joining page.
    assert client.get(reverse("clinician:forum_browse")).url == reverse("clinician:forum_take_part")
    refused = client.post(
        reverse("clinician:forum_take_part"), {"handle": "Dr Lindqvist", "accepted_rules": "on"}
    )
    assert refused.status_code == 400 and not Member.objects.filter(user=gp).exists()
    client.post(
        reverse("clinician:forum_take_part"), {"handle": "GP - east team", "accepted_rules": "on"}
    )
    pro = Member.objects.get(user=gp)
    assert pro.kind == Member.Kind.PROFESSIONAL
    browse = client.get(reverse("clinician:forum_browse")).content.decode()
    assert "Flare-ups" in browse
    reply = client.post(
        reverse("clinician:forum_thread", args=[topic.pk]),
        {"body": "Pacing and a plan for bad days help many people."},
    )
    assert reply.status_code == 302
    post = Post.objects.get(author=pro)
    assert post.status == Post.Status.PUBLISHED  # no first-posts hold for a professional
    # The member sees the forum name and the badge, and nothing of who the GP is.
    login(client, member.user)
    page = client.get(reverse("patient:forum_topic", args=[topic.pk])).content.decode()
    assert "GP - east team" in page and "Professional" in page
    for secret in ("Ada", "Lindqvist", gp.email):
        assert secret not in page
    # An empty reply is refused and stores nothing.
    login(client, gp)
    empty = client.post(reverse("clinician:forum_thread", args=[topic.pk]), {"body": "\x00"})
    assert empty.status_code == 400 and Post.objects.filter(author=pro).count() == 1


def test_only_gps_and_therapists_take_part_as_professionals(client, moderator):
    from django.core.exceptions import PermissionDenied

    patient = make_member("Pat Patient", "Calm Reed").user
    with pytest.raises(PermissionDenied):
        services.professional_join(user=moderator, handle="Mod Person", accepted_rules=True)
    login(client, patient)
    assert client.get(reverse("clinician:forum_take_part")).status_code == 403
    login(client, moderator)
    assert client.get(reverse("clinician:forum_take_part")).status_code == 403
    therapist = TherapistFactory(full_name="Tess Thera")
    pro = services.professional_join(user=therapist, handle="Physio Desk", accepted_rules=True)
    assert pro.kind == Member.Kind.PROFESSIONAL


def test_watched_words_hold_a_patients_post_but_not_a_professionals(space, member):
    gp = GPFactory(full_name="Dr Bo Berg")
    pro = services.professional_join(user=gp, handle="GP - west team", accepted_rules=True)
    topic = services.topic_start(member=member, space=space, title="Hard days", body="Hi").topic
    term = "suicide"
    patient_post = services.reply(member=member, topic=topic, body=f"I think about {term}.")
    assert patient_post.risk == "crisis" and patient_post.status == Post.Status.PENDING
    pro_post = services.reply(
        member=pro, topic=topic, body=f"If you think about {term}, call the crisis line."
    )
    assert pro_post.status == Post.Status.PUBLISHED and pro_post.risk == "green"


def test_the_professionals_list_of_spaces_costs_the_same_for_2_spaces_or_20(client, member):
    gp = GPFactory()
    services.professional_join(user=gp, handle="GP Helper", accepted_rules=True)
    login(client, gp)

    def count(n):
        for i in range(Space.objects.count(), n):
            room = Space.objects.create(slug=f"s{i}", title=f"Space {i}")
            services.topic_start(member=member, space=room, title=f"T{i}", body="Hello")
            Member.objects.filter(pk=member.pk).update(last_posted_at=None)
            member.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("clinician:forum_browse")).status_code == 200
        return len(queries)

    assert count(2) == count(20)
    assert Topic.objects.count() == 20


# --- telling the member -----------------------------------------------------------------------


def test_a_member_told_of_a_decision_gets_a_content_free_email_in_their_language(
    moderator, member, space, django_capture_on_commit_callbacks
):
    member.user.language = "da"
    member.user.save(update_fields=["language"])
    post = services.topic_start(member=member, space=space, title="Hi", body="A phone 5551234")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            post=post, by=moderator, body="A phone [removed]", reason="Numbers identify you."
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.user.email]
    assert "moderatorer" in message.subject  # Danish
    for secret in ("Numbers identify", "5551234", "Hi", member.handle):
        assert secret not in message.subject + message.body
    assert reverse("patient:forum_home") in message.body


def test_no_email_when_the_member_turned_them_off_or_nothing_was_saved(
    moderator, member, space, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    member.user.message_notifications = False
    member.user.save(update_fields=["message_notifications"])
    with django_capture_on_commit_callbacks(execute=True):
        services.member_state_set(member=member, by=moderator, state="premoderated", reason="Ok")
    assert mail.outbox == []
    other = make_member("Una Other", "Blue Hill")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.member_state_set(member=other, by=moderator, state="muted", reason="x")
    assert mail.outbox == []
    # A decision the member is not told of (publishing a post) sends nothing either.
    post = services.topic_start(member=other, space=space, title="Hello", body="First post")
    space.mode = Mode.PRE_MODERATED
    with django_capture_on_commit_callbacks(execute=True):
        services.post_decide(post=post, by=moderator, action="keep")
    assert mail.outbox == []


def test_the_members_page_counts_strikes_from_their_record(client, moderator, space, member):
    first = services.topic_start(member=member, space=space, title="One", body="First")
    second = services.reply(member=member, topic=first.topic, body="Second")
    services.post_decide(post=first, by=moderator, action="hide", reason="Against the rules.")
    services.post_decide(post=first, by=moderator, action="restore")  # not a strike
    services.member_state_set(member=member, by=moderator, state="premoderated", reason="Wait.")
    services.member_state_set(member=member, by=moderator, state="active", reason="Thanks.")
    peer = make_member("Pia Peer", "Kind Light")
    peer.kind = Member.Kind.PEER_SUPPORTER
    peer.save(update_fields=["kind"])
    services.peer_hide(post=second, by=peer, reason="Looks harsh.")  # a moderator decides
    login(client, moderator)
    page = client.get(reverse("clinician:forum_member", args=[member.pk])).content.decode()
    assert 'data-strikes="2"' in page


def test_a_professional_starts_a_topic_and_members_see_the_badge(client, space, member):
    gp = GPFactory(full_name="Dr Tove Topic")
    services.professional_join(user=gp, handle="GP - south team", accepted_rules=True)
    login(client, gp)
    url = reverse("clinician:forum_topic_new", args=[space.slug])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "", "body": ""}).status_code == 400
    assert client.post(url, {"title": "Pacing\x00", "body": "x"}).status_code == 400
    done = client.post(url, {"title": "Questions about pacing?", "body": "Ask away."})
    assert done.status_code == 302
    topic = Topic.objects.get(title="Questions about pacing?")
    login(client, member.user)
    page = client.get(reverse("patient:forum_space", args=[space.slug])).content.decode()
    assert "Questions about pacing?" in page and "GP - south team" in page
    assert "Professional" in page and "Tove" not in page
    assert topic.author.kind == Member.Kind.PROFESSIONAL
