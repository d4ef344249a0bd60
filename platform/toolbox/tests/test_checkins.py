"""Daily check-ins: one per local day, bad input refused, private entries stay private."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from records.events import user_group
from records.models import AccessLogEntry
from tests.factories import PatientFactory, workspace_for
from toolbox import selectors, services
from toolbox.models import CheckIn

from .conftest import checkin

pytestmark = pytest.mark.django_db

GOOD = {"mood": "4", "symptoms": "2", "energy": "3", "sleep": "5", "activities": "Walk"}


def test_saving_twice_on_one_day_updates_the_same_entry(patient_client, workspace, today):
    patient_client.post(reverse("patient:checkin_today"), GOOD)
    patient_client.post(reverse("patient:checkin_today"), {**GOOD, "mood": "2", "note": "Tired"})
    entry = CheckIn.objects.get(workspace=workspace)
    assert (entry.day, entry.mood, entry.note) == (today, 2, "Tired")
    page = patient_client.get(reverse("patient:checkin_today"))
    assert page.context["form"].initial["mood"] == 2
    assert "already checked in today" in page.content.decode()


def test_the_day_is_the_patients_local_day():
    east = PatientFactory(timezone="Pacific/Kiritimati")  # UTC+14
    west = PatientFactory(timezone="Pacific/Pago_Pago")  # UTC-11
    west_today = timezone.localdate(timezone=ZoneInfo("Pacific/Pago_Pago"))
    assert services.local_today(east) > west_today
    values = {"mood": 3, "symptoms": 3, "energy": 3, "sleep": 3}
    tomorrow_in_the_west = west_today + timedelta(days=1)
    services.checkin_save(
        workspace=workspace_for(east), by=east, day=tomorrow_in_the_west, **values
    )
    with pytest.raises(ValidationError):
        services.checkin_save(
            workspace=workspace_for(west), by=west, day=tomorrow_in_the_west, **values
        )
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"mood": "0"},
        {"mood": "6"},
        {"sleep": "-1"},
        {"energy": "lots"},
        {"symptoms": ""},
        {"note": "x" * 2001},
        {"activities": "x" * 301},
    ],
)
def test_bad_input_is_refused_and_nothing_changes(patient_client, workspace, today, bad):
    existing = checkin(workspace, today, mood=4, note="Before")
    response = patient_client.post(reverse("patient:checkin_today"), {**GOOD, **bad})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    existing.refresh_from_db()
    assert (existing.mood, existing.note) == (4, "Before")
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize("field", ["mood", "symptoms", "energy", "sleep"])
@pytest.mark.parametrize("value", [0, 6, 99])
def test_service_refuses_out_of_range_ratings(workspace, today, field, value):
    with pytest.raises(ValidationError) as error:
        checkin(workspace, today, **{field: value})
    assert field in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_service_refuses_future_and_too_old_days(workspace, today):
    with pytest.raises(ValidationError):
        checkin(workspace, today + timedelta(days=1))
    with pytest.raises(ValidationError):
        checkin(workspace, today - timedelta(days=services.BACKFILL_DAYS + 1))
    checkin(workspace, today - timedelta(days=services.BACKFILL_DAYS))
    assert CheckIn.objects.count() == 1


def test_someone_else_cannot_save_or_change_an_entry(workspace, today, gp, gp_membership):
    mine = checkin(workspace, today)
    # Owner-only, with the one status rule: 403 inside the care team, 404 outside it.
    with pytest.raises(PermissionDenied):
        services.checkin_save(
            workspace=workspace, by=gp, day=today, mood=1, symptoms=1, energy=1, sleep=1
        )
    with pytest.raises(PermissionDenied):
        services.checkin_set_private(checkin=mine, by=gp, private=True)
    other = PatientFactory()
    with pytest.raises(Http404):
        services.checkin_set_private(checkin=mine, by=other, private=True)
    mine.refresh_from_db()
    assert (mine.mood, mine.private) == (3, False)


def test_another_patients_privacy_toggle_is_not_found(client, workspace, today):
    mine = checkin(workspace, today)
    other = PatientFactory()
    client.force_login(other, backend="accounts.backends.EmailBackend")
    url = reverse("patient:checkin_privacy", args=[mine.pk])
    assert client.post(url, {"private": "on"}).status_code == 404
    mine.refresh_from_db()
    assert mine.private is False


def test_a_private_entry_never_reaches_the_gp(
    client, workspace, today, gp, gp_membership, patient_client
):
    checkin(workspace, today, note="Visible SHARED-7f3a")
    secret = checkin(workspace, today - timedelta(days=1), note="Hidden SECRET-2c9d")
    patient_client.post(reverse("patient:checkin_privacy", args=[secret.pk]), {"private": "on"})
    secret.refresh_from_db()
    assert secret.private is True

    client.force_login(gp, backend="accounts.backends.EmailBackend")
    pages = [
        client.get(reverse("clinician:checkins", args=[workspace.pk])),
        client.get(reverse("clinician:checkins", args=[workspace.pk]) + "?period=month"),
        client.get(reverse("clinician:patient_overview", args=[workspace.pk])),
        client.get(reverse("api:checkin-list", args=[workspace.pk])),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "SECRET-2c9d" not in body
        assert str(secret.pk) not in body
    assert "SHARED-7f3a" in pages[0].content.decode()
    assert "SHARED-7f3a" in pages[3].content.decode()
    assert AccessLogEntry.objects.filter(actor=gp, section="checkins").count() >= 3


def test_private_entries_are_not_published_live(
    workspace, today, django_capture_on_commit_callbacks, in_memory_channel_layer
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(workspace.patient_id), channel)
    with django_capture_on_commit_callbacks(execute=True):
        checkin(workspace, today - timedelta(days=1), note="private words", private=True)
        shared = checkin(workspace, today, note="shared words")
    event = async_to_sync(layer.receive)(channel)
    assert event["kind"] == "toolbox.checkin_saved"
    assert event["data"] == {"checkin": str(shared.pk)}
    assert "words" not in str(event)
    # Exactly one event: the private entry sent nothing.
    async_to_sync(layer.group_discard)(user_group(workspace.patient_id), channel)
    assert layer.channels.get(channel) is None or layer.channels[channel].empty()


def test_trends_are_an_svg_with_a_text_alternative(patient_client, workspace, today):
    checkin(workspace, today, mood=5)
    checkin(workspace, today - timedelta(days=2), mood=1)
    week = patient_client.get(reverse("patient:checkin_trends")).content.decode()
    assert "<svg" in week and 'role="img"' in week and "<title" in week and "<desc" in week
    assert "Mood: 3.0 out of 5 on average." in week
    assert week.count('<polyline class="series-mood"') == 2  # the missing day breaks the line
    month = patient_client.get(reverse("patient:checkin_trends") + "?period=month")
    assert "Last 30 days" in month.content.decode()


def test_trend_ignores_days_outside_the_period(workspace, today):
    checkin(workspace, today - timedelta(days=7), mood=1)
    checkin(workspace, today, mood=5)
    trend = selectors.checkin_trend(user=workspace.patient, workspace=workspace, end=today, days=7)
    mood = trend.series[0]
    assert (mood.count, mood.average) == (1, 5.0)


def _count(callable_):
    with CaptureQueriesContext(connection) as captured:
        response = callable_()
    assert response.status_code == 200
    return len(captured)


def _fill(workspace, today, n):
    CheckIn.objects.bulk_create(
        CheckIn(
            workspace=workspace,
            day=today - timedelta(days=i),
            mood=3,
            symptoms=3,
            energy=3,
            sleep=3,
            private=i % 3 == 0,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("who", ["patient", "gp"])
def test_history_pages_cost_the_same_at_2_and_50_entries(
    client, workspace, today, gp, gp_membership, who
):
    user = workspace.patient if who == "patient" else gp
    client.force_login(user, backend="accounts.backends.EmailBackend")
    url = (
        reverse("patient:checkin_history")
        if who == "patient"
        else reverse("clinician:checkins", args=[workspace.pk]) + "?period=month"
    )
    _fill(workspace, today, 2)
    small = _count(lambda: client.get(url))
    CheckIn.objects.all().delete()
    _fill(workspace, today, 50)
    large = _count(lambda: client.get(url))
    assert small == large


def test_latest_checkin_for_workspaces_is_one_query_and_skips_private(
    django_assert_num_queries, today
):
    workspaces = [workspace_for(PatientFactory()) for _ in range(6)]
    for index, ws in enumerate(workspaces):
        checkin(ws, today - timedelta(days=2), mood=2)
        checkin(ws, today - timedelta(days=1), mood=4)
        if index % 2 == 0:
            checkin(ws, today, mood=1, private=True)
    with django_assert_num_queries(1):
        latest = selectors.latest_checkin_for_workspaces([w.pk for w in workspaces[:2]])
    with django_assert_num_queries(1):
        latest = selectors.latest_checkin_for_workspaces([w.pk for w in workspaces])
    assert {c.mood for c in latest.values()} == {4}
    assert set(latest) == {w.pk for w in workspaces}
    with_private = selectors.latest_checkin_for_workspaces([workspaces[0].pk], include_private=True)
    assert with_private[workspaces[0].pk].mood == 1
    assert selectors.latest_checkin_for_workspaces([]) == {}
