"""A form sent twice stores once (records.idempotency): the check-in, a habit mark and an
exercise answer (on its own and on a programme page) accept an ``Idempotency-Key`` header or an
``idempotency_key`` field. The same key again from the same person changes nothing and gets the
first answer; a bad key is a 400 that stores nothing; another person's identical key is theirs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content.loader import pack_load
from content.models import Exercise, ExerciseAnswer, Page
from content.tests.conftest import PACK
from goals import services as goals
from goals.models import HabitCheck
from records.idempotency import KEEP_DAYS, prune
from records.models import AuditEvent, IdempotencyKey
from tests.factories import local_today, workspace_for
from toolbox.models import CheckIn

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    """One of the handlers, for one patient: where to post, a first and a different second
    form, and what is stored (to see that a replay changes nothing)."""

    url: str
    first: dict
    second: dict
    stored: object  # () -> a comparable picture of what the handler stores for this patient


def checkin_case(patient) -> Case:
    workspace = workspace_for(patient)
    scale = {"symptoms": "2", "energy": "3", "sleep": "4"}
    return Case(
        url=reverse("patient:checkin_today"),
        first={"mood": "4", **scale},
        second={"mood": "1", **scale},
        stored=lambda: (
            list(CheckIn.objects.filter(workspace=workspace).values_list("mood", flat=True)),
            AuditEvent.objects.filter(
                workspace=workspace, action__startswith="toolbox.checkin."
            ).count(),
        ),
    )


def habit_case(patient) -> Case:
    habit = goals.habit_create(workspace=workspace_for(patient), by=patient, name="A short walk")
    today = local_today(patient).isoformat()
    return Case(
        url=reverse("patient:habit_check", args=[habit.pk]),
        first={"day": today, "done": "1"},
        second={"day": today, "done": "0"},
        stored=lambda: list(HabitCheck.objects.filter(habit=habit).values_list("day", flat=True)),
    )


def _answers(patient, exercise):
    answers = ExerciseAnswer.objects.filter(
        enrolment__workspace=workspace_for(patient), exercise=exercise
    )
    return list(answers.values_list("data", "status"))


def exercise_case(patient) -> Case:
    exercise = Exercise.objects.get(slug="my-stress-bucket")
    form = {"action": "answer", "exercise": exercise.slug, "level": "7", "submit": "1"}
    return Case(
        url=reverse("patient:exercise_detail", args=[exercise.pk]),
        first={**form, "filling": "Work"},
        second={**form, "filling": "Home", "submit": "0"},
        stored=lambda: _answers(patient, exercise),
    )


def page_case(patient) -> Case:
    page = Page.objects.get(slug="the-symptom-cycle")
    exercise = Exercise.objects.get(slug="my-symptom-cycle")
    form = {"action": "answer", "exercise": exercise.slug, "submit": "1"}
    return Case(
        url=reverse("patient:programme_page", args=[page.pk]),
        first={**form, "situation": "Waiting for the bus"},
        second={**form, "situation": "At home"},
        stored=lambda: _answers(patient, exercise),
    )


HANDLERS = {
    "checkin": checkin_case,
    "habit_mark": habit_case,
    "exercise_answer": exercise_case,
    "programme_page_answer": page_case,
}


@pytest.fixture(autouse=True)
def programme(db):
    return pack_load(PACK).programme


@pytest.fixture(params=list(HANDLERS))
def make_case(request):
    return HANDLERS[request.param]


def post(client, case: Case, data: dict, key=None, *, header=True):
    if key is None:
        return client.post(case.url, data)
    if header:
        return client.post(case.url, data, headers={"Idempotency-Key": str(key)})
    return client.post(case.url, {**data, "idempotency_key": str(key)})


@pytest.fixture
def signed_in(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


@pytest.mark.parametrize("header", [True, False], ids=["header", "field"])
def test_the_same_key_twice_stores_once_and_answers_the_same(signed_in, patient, make_case, header):
    case = make_case(patient)
    before = case.stored()
    key = uuid.uuid4()
    first = post(signed_in, case, case.first, key, header=header)
    assert first.status_code == 302
    stored = case.stored()
    assert stored != before

    again = post(signed_in, case, case.second, key, header=header)
    assert again.status_code == first.status_code
    assert again["Location"] == first["Location"]
    assert case.stored() == stored  # nothing ran: not stored again, nothing changed
    assert IdempotencyKey.objects.filter(user=patient).count() == 1

    # A new key is a new form: it runs.
    post(signed_in, case, case.second, uuid.uuid4(), header=header)
    assert case.stored() != stored


@pytest.mark.parametrize(
    "bad",
    [
        "0" * 65,
        str(uuid.uuid4()) + "x" * 30,  # longer than 64 characters
        "12345678-1234-1234-1234-12345678\x009ab",
        "not-a-uuid",
        "1234",
    ],
    ids=["65-zeros", "uuid-and-more", "nul", "words", "short"],
)
@pytest.mark.parametrize("header", [True, False], ids=["header", "field"])
def test_a_bad_key_is_a_400_and_stores_nothing(signed_in, patient, make_case, bad, header):
    case = make_case(patient)
    before = case.stored()
    response = post(signed_in, case, case.first, bad, header=header)
    assert response.status_code == 400
    assert case.stored() == before
    assert not IdempotencyKey.objects.exists()


def test_a_bad_key_is_explained(signed_in, patient):
    case = checkin_case(patient)
    response = post(signed_in, case, case.first, "not-a-uuid")
    assert response.status_code == 400
    assert "code that is not valid, so nothing was saved" in response.content.decode()


def test_another_persons_identical_key_is_their_own(client, patient, other_patient, make_case):
    key = uuid.uuid4()
    mine, theirs = make_case(patient), make_case(other_patient)
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    assert post(client, mine, mine.first, key).status_code == 302
    mine_stored, theirs_before = mine.stored(), theirs.stored()

    client.force_login(other_patient, backend="accounts.backends.EmailBackend")
    assert post(client, theirs, theirs.first, key).status_code == 302
    assert theirs.stored() != theirs_before  # stored for them
    assert mine.stored() == mine_stored
    assert IdempotencyKey.objects.filter(key=key).count() == 2


def test_without_a_key_the_form_works_as_before(signed_in, patient, make_case):
    case = make_case(patient)
    before = case.stored()
    assert post(signed_in, case, case.first).status_code == 302
    assert case.stored() != before
    assert not IdempotencyKey.objects.exists()


def test_a_form_sent_back_with_errors_does_not_spend_its_key(signed_in, patient):
    case = checkin_case(patient)
    key = uuid.uuid4()
    refused = post(signed_in, case, {"mood": "9"}, key)
    assert refused.status_code == 200 and case.stored() == ([], 0)
    assert post(signed_in, case, case.first, key).status_code == 302
    assert case.stored() == ([4], 1)


def test_a_key_spent_on_another_form_is_refused(signed_in, patient):
    key = uuid.uuid4()
    checkin, habit = checkin_case(patient), habit_case(patient)
    assert post(signed_in, checkin, checkin.first, key).status_code == 302
    response = post(signed_in, habit, habit.first, key)
    assert response.status_code == 400
    assert habit.stored() == []


def test_a_replay_says_it_was_already_saved(signed_in, patient):
    case = checkin_case(patient)
    key = uuid.uuid4()
    post(signed_in, case, case.first, key)
    signed_in.get(reverse("patient:checkin_history"))  # the first thank-you is read
    again = post(signed_in, case, case.first, key)
    page = signed_in.get(again["Location"]).content.decode()
    assert "This was already saved." in page


def test_seen_keys_are_forgotten_after_some_days(signed_in, patient, other_patient):
    old = IdempotencyKey.objects.create(user=patient, key=uuid.uuid4(), path="/", status=302)
    theirs = IdempotencyKey.objects.create(
        user=other_patient, key=uuid.uuid4(), path="/", status=302
    )
    long_ago = timezone.now() - timedelta(days=KEEP_DAYS + 1)
    IdempotencyKey.objects.filter(pk__in=[old.pk, theirs.pk]).update(created_at=long_ago)

    case = checkin_case(patient)
    post(signed_in, case, case.first, uuid.uuid4())  # a new key prunes the person's old ones
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
    assert IdempotencyKey.objects.filter(pk=theirs.pk).exists()
    assert prune() == 1
    assert IdempotencyKey.objects.filter(user=patient).count() == 1


def test_a_get_is_untouched_by_a_key(signed_in):
    response = signed_in.get(reverse("patient:checkin_today"), headers={"Idempotency-Key": "bad"})
    assert response.status_code == 200
