"""Joining under a handle that never leads back to the person."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forum import services
from forum.models import Member, ModerationEvent
from records.models import AuditEvent
from tests.factories import GPFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "handle",
    [
        "Sam",  # their own first name
        "sam_member_99",  # their own name, with digits
        "Mr Member",  # their surname
        "samm",  # the start of their e-mail address
        "quiet@example.org",
        "see www.example.org",
        "http://x.dk",
        "Fox 55512345",  # a phone number
        "ab",  # too short
        "x" * 31,  # too long
        "",
        "   ",
        "bad\x00name",
        "bad\ud800name",
        "<script>",
        None,
        12345,
    ],
)
def test_a_handle_that_could_identify_or_is_malformed_is_refused(handle):
    user = PatientFactory(full_name="Sam Member", email="samm@example.test")
    with pytest.raises(ValidationError):
        services.member_join(user=user, handle=handle, accepted_rules=True)
    assert not Member.objects.exists()


def test_a_patient_joins_with_a_handle_after_accepting_the_rules():
    user = PatientFactory(full_name="Sam Member")
    with pytest.raises(ValidationError):
        services.member_join(user=user, handle="Quiet Harbour", accepted_rules=False)
    member = services.member_join(
        user=user, handle="  Quiet   Harbour ", accepted_rules=True, care_team_alerts=True
    )
    assert member.handle == "Quiet Harbour" and member.care_team_alerts
    assert member.rules_version == services.RULES_VERSION
    assert AuditEvent.objects.filter(action="forum.member.joined").count() == 1
    with pytest.raises(ValidationError):
        services.member_join(user=user, handle="Another One", accepted_rules=True)


def test_handles_are_unique_whatever_the_case_or_spacing():
    services.member_join(user=PatientFactory(), handle="Quiet Harbour", accepted_rules=True)
    with pytest.raises(ValidationError, match="already uses"):
        services.member_join(user=PatientFactory(), handle="quiet  harbour", accepted_rules=True)
    with pytest.raises(ValidationError, match="already uses"):
        services.member_join(user=PatientFactory(), handle="Quiet-Harbour", accepted_rules=True)


def test_only_patients_join_as_members():
    with pytest.raises(PermissionDenied):
        services.member_join(user=GPFactory(), handle="Doc Helper", accepted_rules=True)


def test_the_person_behind_a_handle_needs_a_moderator_and_a_reason(member, moderator):
    with pytest.raises(PermissionDenied):
        services.member_identity_lookup(member=member, by=GPFactory(), reason="curious")
    with pytest.raises(ValidationError):
        services.member_identity_lookup(member=member, by=moderator, reason="  ")
    assert not ModerationEvent.objects.filter(action="lookup").exists()
    user = services.member_identity_lookup(
        member=member, by=moderator, reason="A post says they are in danger tonight."
    )
    assert user == member.user
    event = ModerationEvent.objects.get(action="lookup")
    assert event.actor == moderator and "danger" in event.reason
    assert AuditEvent.objects.filter(action="forum.member.identity_lookup").count() == 1


def test_a_restriction_needs_a_reason_and_is_sent_to_the_member(member, moderator):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError):
        services.member_state_set(member=member, by=moderator, state="suspended", reason="")
    with pytest.raises(ValidationError):  # a mute needs its end
        services.member_state_set(member=member, by=moderator, state="muted", reason="Cool off.")
    services.member_state_set(
        member=member, by=moderator, state="muted", reason="Please cool off for a day.",
        until=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    member.refresh_from_db()
    assert member.state == "muted" and member.is_restricted
    notice = member.moderation.get(action="state")
    assert notice.told_member and notice.reason == "Please cool off for a day."
