"""Cover: a clinician away hands their caseload to a colleague of the same organisation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from alerts import services as alert_services
from alerts.models import Alert, AlertKind
from alerts.policies import alerts_visible_to
from care import policies, services
from care.models import CareTeamMembership, Cover, WorkspaceUserObjectPermission
from care.sections import Section
from records.models import AuditEvent
from tests.factories import (
    ALL_SECTIONS,
    DutyFactory,
    GPFactory,
    OrganisationFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    workspace_for,
)

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Copenhagen")  # the factories' default time zone
MONDAY = datetime(2030, 3, 4, 9, 0, tzinfo=ZONE)
SHARED = [Section.PROGRESS, Section.GOALS]


@pytest.fixture
def colleague(db):
    return TherapistFactory(full_name="Cara Colleague")


@pytest.fixture
def team(gp, colleague):
    """Two patients of the GP (different consent) and one the colleague already supports."""
    first = workspace_for(PatientFactory(full_name="First Patient"))
    second = workspace_for(PatientFactory(full_name="Second Patient"))
    known = workspace_for(PatientFactory(full_name="Known Patient"))
    add_member(first, gp, SHARED)
    add_member(second, gp, [])
    add_member(known, gp, ALL_SECTIONS)
    add_member(known, colleague, [Section.HABITS])
    return first, second, known


def arrange(gp, colleague, first, last, note=""):
    return services.cover_create(
        absent=gp, colleague=colleague, starts_on=first, ends_on=last, note=note
    )


def cover_members(cover):
    return CareTeamMembership.objects.filter(cover=cover)


def test_a_future_cover_creates_nothing_until_it_starts(gp, colleague, team):
    first, _second, _known = team
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, date(2030, 3, 6), date(2030, 3, 8))
        assert cover.starts_at == datetime(2030, 3, 6, tzinfo=ZONE)
        assert cover.ends_at == datetime(2030, 3, 9, tzinfo=ZONE)
        assert not cover_members(cover).exists()
        assert not policies.workspaces_for_user(colleague).filter(pk=first.pk).exists()
    with time_machine.travel(datetime(2030, 3, 6, 0, 1, tzinfo=ZONE), tick=False):
        assert services.covers_run().started == 2


def test_starting_today_copies_consent_and_skips_existing_teams(gp, colleague, team):
    first, second, known = team
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, MONDAY.date(), date(2030, 3, 10))
        members = {m.workspace_id: m for m in cover_members(cover)}
        assert set(members) == {first.pk, second.pk}
        assert all(m.is_active and m.ends_at == cover.ends_at for m in members.values())
        assert policies.shared_sections(colleague, first) == frozenset(SHARED)
        assert policies.shared_sections(colleague, second) == frozenset()
        # The colleague's own membership of "known" is untouched.
        assert policies.shared_sections(colleague, known) == {Section.HABITS}
        started = AuditEvent.objects.filter(action="care.cover.started")
        assert started.count() == 2
        assert started.get(workspace=first).data["sections"] == sorted(SHARED)
        # Running the job again changes nothing.
        assert services.covers_run().started == 0
        assert cover_members(cover).count() == 2


def test_the_colleague_sees_exactly_what_the_absent_clinician_saw(gp, colleague, team):
    first, _second, _known = team
    with time_machine.travel(MONDAY, tick=False):
        arrange(gp, colleague, MONDAY.date(), MONDAY.date())
        for section in Section:
            assert policies.can_view_section(colleague, first, section) == (
                policies.can_view_section(gp, first, section)
            )
        sharing_goals = policies.workspaces_sharing(colleague, Section.GOALS)
        assert list(sharing_goals) == [first]


def test_access_stops_at_the_end_without_the_job(gp, colleague, team):
    first, _second, _known = team
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, MONDAY.date(), MONDAY.date())
    with time_machine.travel(cover.ends_at - timedelta(seconds=1), tick=False):
        assert policies.workspaces_for_user(colleague).filter(pk=first.pk).exists()
        assert policies.active_membership(colleague, first) is not None
    with time_machine.travel(cover.ends_at, tick=False):
        # The row is still ACTIVE with its consent rows: the policy alone says no.
        assert cover_members(cover).filter(status="active").count() == 2
        assert not policies.workspaces_for_user(colleague).filter(pk=first.pk).exists()
        assert policies.active_membership(colleague, first) is None
        assert policies.shared_sections(colleague, first) == frozenset()
        assert not policies.workspaces_sharing(colleague, Section.GOALS).exists()
        assert not alerts_visible_to(colleague).exists()
        from care.selectors import caseload_entries_for_clinician

        entries = caseload_entries_for_clinician(clinician=colleague)
        assert {e.workspace_id for e in entries} == {team[2].pk}  # "known" is still theirs
        assert entries[0].shared == policies.shared_sections(colleague, team[2])
        assert not {e.membership_id for e in entries} & set(
            cover_members(cover).values_list("pk", flat=True)
        )


def test_the_job_ends_expired_memberships_idempotently(gp, colleague, team):
    first, _second, known = team
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, MONDAY.date(), MONDAY.date())
    with time_machine.travel(cover.ends_at + timedelta(minutes=5), tick=False):
        assert services.covers_run().ended == 2
        assert services.covers_run().ended == 0
        assert set(cover_members(cover).values_list("status", flat=True)) == {"ended"}
        assert not WorkspaceUserObjectPermission.objects.filter(
            user=colleague, content_object=first
        ).exists()
        assert WorkspaceUserObjectPermission.objects.filter(
            user=colleague, content_object=known
        ).exists()
        assert AuditEvent.objects.filter(action="care.cover.ended", actor=None).count() == 2


def test_cancelling_ends_access_at_once(gp, colleague, team):
    first, _second, _known = team
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, MONDAY.date(), date(2030, 3, 20))
        services.cover_cancel(cover=cover, by=colleague)
        services.cover_cancel(cover=cover, by=colleague)
        assert not policies.workspaces_for_user(colleague).filter(pk=first.pk).exists()
        assert set(cover_members(cover).values_list("status", flat=True)) == {"ended"}
        assert AuditEvent.objects.filter(action="care.cover.cancelled").count() == 1
        assert services.covers_run().started == 0  # a cancelled cover never restarts


def test_a_third_clinician_cannot_cancel(gp, colleague, team):
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, MONDAY.date(), MONDAY.date())
        with pytest.raises(ValidationError):
            services.cover_cancel(cover=cover, by=GPFactory())
        cover.refresh_from_db()
        assert cover.cancelled_at is None


def test_patient_can_end_the_cover_member_and_it_does_not_come_back(gp, colleague, team):
    first, _second, _known = team
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, MONDAY.date(), date(2030, 3, 8))
        member = cover_members(cover).get(workspace=first)
        services.sharing_update(membership=member, sections=[Section.PROGRESS], by=first.patient)
        assert policies.shared_sections(colleague, first) == {Section.PROGRESS}
        services.membership_end(membership=member, by=first.patient)
        assert services.covers_run().started == 0
        assert not policies.workspaces_for_user(colleague).filter(pk=first.pk).exists()


def test_a_patient_joining_during_the_cover_is_covered_by_the_next_run(gp, colleague, team):
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, MONDAY.date(), date(2030, 3, 8))
        late = workspace_for(PatientFactory())
        add_member(late, gp, [Section.MEASURES])
        assert services.covers_run().started == 1
        assert policies.shared_sections(colleague, late) == {Section.MEASURES}
        assert cover_members(cover).count() == 3


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(2030, 3, 3), date(2030, 3, 5), "starts_on"),  # yesterday
        (date(2030, 3, 6), date(2030, 3, 5), "ends_on"),  # ends before it starts
        (date(2030, 3, 6), date(2030, 6, 30), "ends_on"),  # longer than 90 days
        (date(2031, 6, 1), date(2031, 6, 2), "starts_on"),  # more than a year ahead
    ],
)
def test_bad_dates_are_refused(gp, colleague, first, last, field):
    with time_machine.travel(MONDAY, tick=False), pytest.raises(ValidationError) as error:
        arrange(gp, colleague, first, last)
    assert field in error.value.message_dict
    assert not Cover.objects.exists()


def test_only_a_colleague_of_the_same_organisation(gp, colleague):
    foreign = GPFactory(organisation=OrganisationFactory(name="Elsewhere"))
    patient = PatientFactory()
    with time_machine.travel(MONDAY, tick=False):
        for other in (foreign, gp, patient):
            with pytest.raises(ValidationError) as error:
                arrange(gp, other, MONDAY.date(), MONDAY.date())
            assert "colleague" in error.value.message_dict
        assert list(services.cover_colleagues(absent=gp)) == [colleague]
    assert not Cover.objects.exists()


def test_overlapping_covers_are_refused(gp, colleague):
    with time_machine.travel(MONDAY, tick=False):
        arrange(gp, colleague, date(2030, 3, 6), date(2030, 3, 8))
        with pytest.raises(ValidationError):
            arrange(gp, colleague, date(2030, 3, 8), date(2030, 3, 9))
        arrange(gp, colleague, date(2030, 3, 9), date(2030, 3, 9))  # the day after is free
    assert Cover.objects.count() == 2


def test_the_covering_clinician_is_told_of_an_urgent_alert_at_once(
    gp, colleague, django_capture_on_commit_callbacks
):
    """The absent lead stays responsible, but the colleague covering them is the one told at
    once; nobody else is in the team, so the next step is the duty contact."""
    first = workspace_for(PatientFactory())
    add_member(first, gp, ALL_SECTIONS)
    duty = DutyFactory(organisation=gp.organisation)
    with time_machine.travel(MONDAY, tick=False):
        arrange(gp, colleague, MONDAY.date(), date(2030, 3, 8))
        eligible = alert_services.eligible_memberships(workspace=first, section="measures")
        assert colleague in [m.clinician for m in eligible]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            alert, _created = alert_services.alert_raise(
                workspace=first, kind=AlertKind.RISK, severity=Alert.Severity.URGENT, source_id="r1"
            )
        assert alert.membership.clinician == gp  # the absent clinician stays responsible
        assert alerts_visible_to(colleague).filter(pk=alert.pk).exists()
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    mail.outbox.clear()
    with (
        time_machine.travel(MONDAY + timedelta(hours=3), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alert_services.alerts_escalate_due() == 1
    assert [m.to for m in mail.outbox] == [[duty.email]]


def _drain(layer, channel):
    import asyncio

    from asgiref.sync import async_to_sync

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=0.05)

    received = []
    while True:
        try:
            received.append(async_to_sync(receive)())
        except TimeoutError:
            return received


def test_start_and_end_tell_the_colleagues_sockets_with_ids_only(
    gp, colleague, team, in_memory_channel_layer, django_capture_on_commit_callbacks
):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from records.events import user_group

    first, second, _known = team
    layer = get_channel_layer()
    with time_machine.travel(MONDAY, tick=False):  # the layer's groups expire by the clock
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(user_group(colleague.pk), channel)
        with django_capture_on_commit_callbacks(execute=True):
            cover = arrange(gp, colleague, MONDAY.date(), MONDAY.date(), note="Away at a course")
    started = _drain(layer, channel)
    assert {e["workspace"] for e in started} == {str(first.pk), str(second.pk)}
    assert {e["type"] for e in started} == {"access.changed"}
    with (
        time_machine.travel(cover.ends_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.covers_run()
    assert {e["workspace"] for e in _drain(layer, channel)} == {str(first.pk), str(second.pk)}
    audit_text = str(list(AuditEvent.objects.filter(action__startswith="care.cover").values()))
    assert "Away at a course" not in audit_text and "Colleague" not in audit_text


def test_the_command_reports_what_it_did(gp, colleague, team):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(MONDAY, tick=False):
        arrange(gp, colleague, date(2030, 3, 5), date(2030, 3, 5))
    out = StringIO()
    with time_machine.travel(datetime(2030, 3, 5, 8, tzinfo=ZONE), tick=False):
        call_command("run_covers", stdout=out)
    with time_machine.travel(datetime(2030, 3, 6, 8, tzinfo=ZONE), tick=False):
        call_command("run_covers", stdout=out)
    assert out.getvalue().splitlines() == [
        "covers: started=2 ended=0",
        "covers: started=0 ended=2",
    ]


def test_lists_of_members_follow_the_policy_cut_off_before_the_job(gp, colleague, team):
    """Past ``ends_at`` an expired cover member is out of every list of current members (reply
    agreements, alert rules, guidance time), not only out of the policy, before the job runs."""
    from alerts.alert_rules import inactivity
    from guidance.services import guidance_record
    from messaging import selectors as messaging_selectors

    first, _second, _known = team
    with time_machine.travel(MONDAY, tick=False):
        cover = arrange(gp, colleague, MONDAY.date(), MONDAY.date())
        member = cover_members(cover).get(workspace=first)
        assert member.pk in {
            m.pk
            for m in CareTeamMembership.objects.filter(
                policies.membership_current(), workspace=first
            )
        }
    later = cover.ends_at + timedelta(days=30)
    with time_machine.travel(later, tick=False):
        assert cover_members(cover).filter(status="active").count() == 2  # the job has not run
        current = CareTeamMembership.objects.filter(policies.membership_current(), workspace=first)
        assert member.pk not in {m.pk for m in current}
        agreements = messaging_selectors.agreements_for_workspace(workspace=first)
        assert member.pk not in {a.membership_id for a in agreements}
        assert member.pk not in {c.membership_id for c in inactivity(now=later)}
        assert (
            guidance_record(
                clinician=colleague,
                workspace_id=first.pk,
                kind="message",
                source="message:after-the-cover",
                time_spent=None,
            )
            is None
        )


def test_the_cover_page_names_the_patients_the_cover_leaves_out(client, gp, colleague, team):
    """A patient who removed the colleague is skipped by the cover; the absent clinician is
    told which of their patients to arrange another way (and the read is logged)."""
    from django.urls import reverse

    from records.models import AccessLogEntry

    first, second, _known = team
    services.membership_end(membership=add_member(first, colleague, []), by=first.patient)
    with time_machine.travel(MONDAY, tick=False):
        arrange(gp, colleague, date(2030, 3, 11), date(2030, 3, 15))
        client.force_login(gp)
        page = client.get(reverse("clinician:covers")).content.decode()
    assert "will not cover 1 of your patients" in page
    assert "First Patient" in page and "Second Patient" not in page
    assert AccessLogEntry.objects.filter(actor=gp, workspace=first, section="caseload").exists()
    # Once the patient accepts the colleague again, nobody is left out.
    services.membership_accept(
        membership=services.membership_invite(
            workspace=first, clinician=colleague, invited_by=colleague
        ),
        by=first.patient,
        sections=[],
    )
    with time_machine.travel(MONDAY, tick=False):
        page = client.get(reverse("clinician:covers")).content.decode()
    assert "will not cover" not in page
