"""Who has seen my data: one line per person and day, in words, in the patient's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from records.models import AccessLogEntry
from tests.factories import GPFactory, TherapistFactory

pytestmark = pytest.mark.django_db

LOGIN = {"backend": "accounts.backends.EmailBackend"}


def read(workspace, actor, section, at, via="web"):
    entry = AccessLogEntry.objects.create(
        workspace=workspace,
        actor=actor,
        actor_name=actor.full_name,
        actor_role=actor.role,
        section=section,
        via=via,
    )
    AccessLogEntry.objects.filter(pk=entry.pk).update(created_at=at)


def lines(page: str) -> list[str]:
    body = page.split('<ul class="access-log">', 1)[1].split("</ul>", 1)[0]
    return [li.split("</li>")[0] for li in body.split("<li>")[1:]]


@pytest.fixture
def signed_in(client, patient):
    patient.timezone = "Europe/Copenhagen"
    patient.save(update_fields=["timezone"])
    client.force_login(patient, **LOGIN)
    return client


@pytest.fixture
def kim(db):
    return GPFactory(full_name="Dr Kim Jensen")


def test_two_reads_by_one_gp_on_one_day_are_one_line_with_both_sections(signed_in, workspace, kim):
    # 08:12 and 08:40 UTC are 09:12 and 09:40 in Copenhagen (winter).
    read(workspace, kim, "goals", datetime(2026, 12, 1, 8, 12, tzinfo=UTC))
    read(workspace, kim, "checkins", datetime(2026, 12, 1, 8, 40, tzinfo=UTC))
    read(workspace, kim, "goals", datetime(2026, 11, 30, 10, 0, tzinfo=UTC), via="api")
    page = signed_in.get(reverse("patient:access_log")).content.decode()
    found = lines(page)
    assert found == [
        "Dr Kim Jensen (GP) looked at your goal ladders and your check-ins on "
        "Tuesday 1 December, 2 times between 09:12 and 09:40.",
        "Dr Kim Jensen (GP) looked at your goal ladders on Monday 30 November at 11:00, "
        "through an app.",
    ]


def test_days_follow_the_patients_time_zone(signed_in, workspace, kim):
    # 23:30 UTC on 1 December is already 2 December in Copenhagen.
    read(workspace, kim, "overview", datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    read(workspace, kim, "overview", datetime(2026, 12, 1, 22, 30, tzinfo=UTC))
    found = lines(signed_in.get(reverse("patient:access_log")).content.decode())
    assert len(found) == 2
    assert "Wednesday 2 December at 00:30" in found[0]
    assert "Tuesday 1 December at 23:30" in found[1]
    assert "your overview page" in found[0]


def test_filter_by_person_and_period(signed_in, workspace, kim):
    from django.utils import timezone

    theo = TherapistFactory(full_name="Theo Therapist")
    now = timezone.now()
    read(workspace, kim, "goals", now)
    read(workspace, theo, "journal", now)
    read(workspace, theo, "journal", now - timezone.timedelta(days=20))
    url = reverse("patient:access_log")
    only_theo = lines(signed_in.get(url, {"person": str(theo.pk)}).content.decode())
    assert len(only_theo) == 2 and all("Theo Therapist (Therapist)" in line for line in only_theo)
    week = lines(signed_in.get(url, {"period": "7"}).content.decode())
    assert len(week) == 2  # the read 20 days ago is left out
    theo_week = lines(signed_in.get(url, {"person": str(theo.pk), "period": "7"}).content.decode())
    assert len(theo_week) == 1
    page = signed_in.get(url).content.decode()
    assert f'value="{theo.pk}"' in page and "Dr Kim Jensen (GP)" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "forever"}, "That period is not offered"),
        ({"person": "not-a-person"}, "That person is not in your list"),
        ({"person": "00000000-0000-0000-0000-000000000000"}, "That person is not in your list"),
        ({"page": "-3"}, None),
    ],
)
def test_bad_filter_values_are_a_message_not_an_error(signed_in, workspace, kim, params, message):
    read(workspace, kim, "goals", datetime(2026, 12, 1, 8, 12, tzinfo=UTC))
    response = signed_in.get(reverse("patient:access_log"), params)
    assert response.status_code == 200
    page = response.content.decode()
    if message:
        assert message in page
    assert len(lines(page)) == 1  # everything is shown


def test_another_patients_reader_is_not_a_filter_choice(signed_in, workspace, kim, other_patient):
    from care import services

    other_workspace = services.workspace_get_or_create(patient=other_patient)
    stranger = GPFactory(full_name="Dr Somebody Else")
    read(other_workspace, stranger, "goals", datetime(2026, 12, 1, 8, 12, tzinfo=UTC))
    response = signed_in.get(reverse("patient:access_log"), {"person": str(stranger.pk)})
    page = response.content.decode()
    assert "That person is not in your list" in page and "Dr Somebody Else" not in page


def test_the_page_costs_the_same_queries_for_few_and_many_reads(
    signed_in, workspace, django_assert_max_num_queries
):
    from datetime import timedelta

    url = reverse("patient:access_log")
    signed_in.get(url)  # warm the session and the workspace
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    for n in range(40):
        reader = GPFactory()
        for hour, section in enumerate(["goals", "checkins", "overview"]):
            read(workspace, reader, section, start + timedelta(days=n % 20, hours=hour))
    # Session, user, workspace, people, day count, page of days, groups, details (+ margin for
    # middleware).
    with django_assert_max_num_queries(11):
        response = signed_in.get(url)
    # Pages hold whole days: 7 days of 2 readers each, then the next days.
    assert len(lines(response.content.decode())) == 14
    second = lines(signed_in.get(url, {"page": 2}).content.decode())
    assert len(second) == 14
    assert "Page 2 of 3" in signed_in.get(url, {"page": 2}).content.decode()
