"""Relatives and trusted people: invited by the patient, their own account, only what is shared,
until the end date, revocable at once, every read in the patient's access log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from care import relatives
from care.models import RelativeAccess
from records.models import AccessLogEntry
from tests.factories import (
    GPFactory,
    PatientFactory,
    RelativeFactory,
    add_member,
    workspace_for,
)
from toolbox import services as toolbox
from toolbox.models import CrisisPlanItem, CrisisPlanSuggestion

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


@pytest.fixture
def patient(db):
    return PatientFactory(full_name="Nora Nilsen", email="nora@example.test")


@pytest.fixture
def workspace(patient):
    ws = workspace_for(patient)
    toolbox.crisis_item_add(workspace=ws, by=patient, kind="warning_sign", text="Not sleeping")
    return ws


def _granted(workspace, relative=None, sections=("crisis_plan",)):
    relative = relative or RelativeFactory(full_name="Siri Sister")
    access = relatives.relative_invite(
        workspace=workspace,
        by=workspace.patient,
        email=relative.email,
        label="my sister",
        sections=list(sections),
    )
    return relatives.relative_accept(access=access, user=relative), relative


def test_the_patient_invites_and_the_person_accepts_with_their_own_account(
    client, workspace, patient, django_capture_on_commit_callbacks
):
    login(client, patient)
    page = client.get(reverse("patient:relatives")).content.decode()
    assert 'name="sections"' in page and "checked" not in page  # nothing pre-ticked
    nothing = client.post(
        reverse("patient:relatives"),
        {"email": "siri@example.test", "label": "my sister", "expires_on": "2027-12-01"},
    )
    assert nothing.status_code == 400 and not RelativeAccess.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("patient:relatives"),
            {
                "email": "Siri@Example.test",
                "label": "my sister",
                "sections": ["crisis_plan"],
                "expires_on": str(timezone.localdate() + timedelta(days=200)),
            },
        )
    assert sent.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["siri@example.test"] and "Not sleeping" not in message.body
    link = re.search(r"https?://\S+/shared-with-me/invitation/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    form = client.get("/" + path)
    assert form.status_code == 200 and "Nora Nilsen" in form.content.decode()
    weak = client.post("/" + path, {"full_name": "Siri", "password": "a", "password_again": "a"})
    assert weak.status_code == 400 and not User.objects.filter(email="siri@example.test").exists()
    done = client.post(
        "/" + path,
        {"full_name": "Siri Sister", "password": "a long pass-phrase 91", "password_again":
         "a long pass-phrase 91"},
    )  # fmt: skip
    assert done.status_code == 302 and done.url == reverse("relative:home")
    siri = User.objects.get(email="siri@example.test")
    assert siri.is_relative and siri.check_password("a long pass-phrase 91")
    home = client.get(reverse("relative:home")).content.decode()
    assert "Nora Nilsen" in home
    plan = client.get(reverse("relative:crisis_plan", args=[workspace.pk]))
    assert plan.status_code == 200 and "Not sleeping" in plan.content.decode()
    # The read is in the patient's "who has seen my data".
    assert AccessLogEntry.objects.filter(
        workspace=workspace, actor=siri, section="crisis_plan", via="relative"
    ).exists()
    # The link works once.
    assert client.get("/" + path).status_code == 400


def test_access_ends_at_the_end_date_and_at_once_when_revoked(client, workspace, patient):
    access, relative = _granted(workspace)
    url = reverse("relative:crisis_plan", args=[workspace.pk])
    login(client, relative)
    assert client.get(url).status_code == 200
    with time_machine.travel(access.expires_at + timedelta(seconds=1)):
        login(client, relative)  # a new session: the old one has long timed out
        assert client.get(url).status_code == 404
        assert "Nora" not in client.get(reverse("relative:home")).content.decode()
    login(client, relative)
    relatives.relative_update(
        access=access,
        by=patient,
        sections=["crisis_plan"],
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    assert client.get(url).status_code == 200
    relatives.relative_revoke(access=access, by=patient)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("relative:suggest", args=[workspace.pk]), {"kind": "warning_sign", "text": "x"}
        ).status_code
        == 404
    )


def test_a_relative_sees_nothing_that_is_not_shared_with_them(client, workspace):
    access, relative = _granted(workspace)
    RelativeAccess.objects.filter(pk=access.pk).update(sections=[])
    login(client, relative)
    assert client.get(reverse("relative:crisis_plan", args=[workspace.pk])).status_code == 404
    other = workspace_for(PatientFactory(full_name="Otto Other"))
    assert client.get(reverse("relative:crisis_plan", args=[other.pk])).status_code == 404
    for name, args in (
        ("patient:dashboard", []),
        ("patient:crisis_plan", []),
        ("clinician:caseload", []),
        ("clinician:patient_overview", [workspace.pk]),
        ("patient:forum_home", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403


def test_a_relative_suggests_a_line_and_the_patient_decides(client, workspace, patient):
    _access, relative = _granted(workspace)
    login(client, relative)
    url = reverse("relative:suggest", args=[workspace.pk])
    assert client.post(url, {"kind": "warning_sign", "text": ""}).status_code == 400
    assert client.post(url, {"kind": "warning_sign", "text": "Goes quiet\x00"}).status_code == 400
    client.post(url, {"kind": "warning_sign", "text": "Goes quiet at dinner"})
    suggestion = CrisisPlanSuggestion.objects.get()
    assert suggestion.suggested_by == relative
    login(client, patient)
    page = client.get(reverse("patient:crisis_plan")).content.decode()
    assert "Goes quiet at dinner" in page and "Siri Sister" in page
    toolbox.crisis_suggestion_decide(suggestion=suggestion, by=patient, accept=True)
    assert CrisisPlanItem.objects.filter(text="Goes quiet at dinner").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("email", "nora@example.test"),
        ("label", ""),
        ("label", "my\x00sister"),
        ("sections", ["messages"]),
        ("sections", ["measures"]),
        ("expires_on", "2001-01-01"),
        ("expires_on", "2999-01-01"),
    ],
)
def test_a_bad_invitation_gets_a_clear_error_and_creates_nothing(
    client, workspace, patient, field, value
):
    login(client, patient)
    data = {
        "email": "jo@example.test",
        "label": "Jo",
        "sections": ["crisis_plan"],
        "expires_on": str(timezone.localdate() + timedelta(days=30)),
        field: value,
    }
    response = client.post(reverse("patient:relatives"), data)
    assert response.status_code == 400
    assert not RelativeAccess.objects.exists() and not mail.outbox


def test_a_clinicians_or_patients_address_cannot_be_invited_as_a_relative(workspace, patient):
    from django.core.exceptions import ValidationError

    gp = GPFactory(email="doc@example.test")
    add_member(workspace, gp, [])
    for email in ("doc@example.test", PatientFactory().email):
        with pytest.raises(ValidationError):
            relatives.relative_invite(
                workspace=workspace, by=patient, email=email, label="x", sections=["crisis_plan"]
            )


def test_another_patient_cannot_change_or_end_someone_elses_access(client, workspace):
    access, _relative = _granted(workspace)
    login(client, PatientFactory())
    assert client.post(reverse("patient:relative_revoke", args=[access.pk]),
                       {"confirm": "yes"}).status_code == 404  # fmt: skip
    access.refresh_from_db()
    assert access.revoked_at is None


def test_erasing_the_patient_ends_the_relatives_access(client, workspace, patient):
    from care.privacy import patient_erase

    _access, relative = _granted(workspace)
    patient_erase(patient=patient)
    assert not RelativeAccess.objects.exists()
    login(client, relative)
    assert client.get(reverse("relative:crisis_plan", args=[workspace.pk])).status_code == 404


def test_the_relative_is_in_the_patients_export(workspace, patient):
    from care.privacy import workspace_export

    _granted(workspace)
    export = workspace_export(workspace=workspace)
    rows = export["care.RelativeAccess"]
    assert rows and rows[0]["label"] == "my sister"


def test_a_patient_invites_at_most_twenty_people(workspace, patient):
    from django.core.exceptions import ValidationError

    for n in range(relatives.MOST_PEOPLE):
        relatives.relative_invite(
            workspace=workspace,
            by=patient,
            email=f"p{n}@example.test",
            label=f"Friend {n}",
            sections=["crisis_plan"],
        )
    with pytest.raises(ValidationError, match="already"):
        relatives.relative_invite(
            workspace=workspace, by=patient, email="one-more@example.test", label="x",
            sections=["crisis_plan"],
        )  # fmt: skip
    assert RelativeAccess.objects.count() == relatives.MOST_PEOPLE


def test_goals_habits_and_check_ins_only_as_chosen_and_never_private_days(client, workspace):
    from datetime import timedelta as days

    from goals import services as goals

    patient = workspace.patient
    ladder = goals.ladder_create(workspace=workspace, by=patient, title="Walk to the harbour")
    goals.step_add(ladder=ladder, by=patient, description="Ten minutes after lunch")
    goals.habit_create(workspace=workspace, by=patient, name="Evening stretch")
    today = timezone.localdate()
    toolbox.checkin_save(workspace=workspace, by=patient, day=today, mood=4, symptoms=3,
                         energy=4, sleep=5, note="Good walk")  # fmt: skip
    toolbox.checkin_save(workspace=workspace, by=patient, day=today - days(days=1), mood=2,
                         symptoms=5, energy=2, sleep=3, note="A hard day", private=True)  # fmt: skip
    access, relative = _granted(workspace, sections=("goals", "checkins"))
    login(client, relative)
    goals_page = client.get(reverse("relative:goals", args=[workspace.pk]))
    assert goals_page.status_code == 200
    assert "Walk to the harbour" in goals_page.content.decode()
    assert "Ten minutes after lunch" in goals_page.content.decode()
    checkins = client.get(reverse("relative:checkins", args=[workspace.pk])).content.decode()
    assert "Good walk" in checkins and "A hard day" not in checkins
    # Not chosen: habits and the crisis plan do not exist for them.
    assert client.get(reverse("relative:habits", args=[workspace.pk])).status_code == 404
    assert client.get(reverse("relative:crisis_plan", args=[workspace.pk])).status_code == 404
    logged = set(AccessLogEntry.objects.filter(actor=relative).values_list("section", flat=True))
    assert logged == {"goals", "checkins"}
    # The patient adds habits: the next page shows them.
    relatives.relative_update(
        access=access, by=patient, sections=["goals", "checkins", "habits"],
        expires_on=access.last_day,
    )  # fmt: skip
    habits = client.get(reverse("relative:habits", args=[workspace.pk]))
    assert habits.status_code == 200 and "Evening stretch" in habits.content.decode()


def test_the_network_map_and_care_team_lead_to_inviting_someone(client, workspace, patient):
    toolbox.network_contact_save(
        workspace=workspace, by=patient, name="Ingrid Aunt", kind="family", closeness=1
    )
    login(client, patient)
    network = client.get(reverse("patient:network")).content.decode()
    assert reverse("patient:relatives") + "?label=Ingrid%20Aunt" in network
    assert "data-trusted-people" in client.get(reverse("patient:care_team")).content.decode()
    invite = client.get(reverse("patient:relatives"), {"label": "Ingrid Aunt"}).content.decode()
    assert 'value="Ingrid Aunt"' in invite


def test_only_the_journal_entries_marked_for_them(client, workspace, patient):
    toolbox.journal_entry_save(
        workspace=workspace, by=patient, title="For Siri", body="The walk helped.",
        for_relatives=True,
    )  # fmt: skip
    toolbox.journal_entry_save(
        workspace=workspace, by=patient, title="For the team", body="Dose question.",
        shared=True,
    )  # fmt: skip
    toolbox.journal_entry_save(workspace=workspace, by=patient, title="Mine", body="Private.")
    _access, relative = _granted(workspace, sections=("journal",))
    login(client, relative)
    page = client.get(reverse("relative:journal", args=[workspace.pk])).content.decode()
    assert "The walk helped." in page
    assert "Dose question." not in page and "Private." not in page
    # The patient marks an entry in the journal's own form.
    login(client, patient)
    client.post(reverse("patient:journal"), {"body": "Second one", "for_relatives": "on"})
    login(client, relative)
    page = client.get(reverse("relative:journal", args=[workspace.pk])).content.decode()
    assert "Second one" in page
