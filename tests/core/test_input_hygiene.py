"""Input hygiene (``config.input_hygiene``): each finding of the outside review, and the rules
themselves. The walk over every form and API operation is in ``test_input_hygiene_walk.py``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from config.input_hygiene import (
    MAX_JSON_DEPTH,
    InputRefused,
    check_data,
    loads_checked,
    validate_clean_text,
    validate_plan_date,
    validate_sensible_date,
)
from goals.models import Proposal
from measures import services as measures
from measures.models import Response, Schedule

pytestmark = pytest.mark.django_db

LOGIN = {"backend": "accounts.backends.EmailBackend"}
NUL = "before\x00after"
SURROGATE = "lone \ud800 surrogate"


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _raw_json(api: APIClient, method: str, url: str, text: str):
    """Send ``text`` as the body unchanged: JSON escapes such as ``\\ud800`` reach the server
    exactly as a hostile client would write them."""
    return getattr(api, method)(url, data=text.encode(), content_type="application/json")


def _pages_work(client, patient, gp, workspace) -> None:
    """The patient's dashboard, questionnaires and goals, and the clinician's overview."""
    client.force_login(patient, **LOGIN)
    for name in ("patient:dashboard", "patient:measures", "patient:goal_list"):
        assert client.get(reverse(name)).status_code == 200, name
    client.force_login(gp, **LOGIN)
    for name in ("clinician:patient_overview", "clinician:goal_list", "clinician:measures"):
        response = client.get(reverse(name, args=[workspace.pk]))
        assert response.status_code == 200, name


# --- the rules -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x00", "a\x00", "\ud800", "x\udfffy", "\udbff"])
def test_text_with_nul_or_a_lone_surrogate_is_refused(bad):
    with pytest.raises(ValidationError, match="cannot be stored"):
        validate_clean_text(bad)
    with pytest.raises(InputRefused):
        check_data({"a": [bad]})
    with pytest.raises(InputRefused):
        check_data({bad: 1})


def test_ordinary_text_and_emoji_pass():
    validate_clean_text("Æble, smørrebrød og 😀 — fine")
    assert loads_checked('{"a": "\\ud83d\\ude00"}') == {"a": "😀"}  # a proper pair is fine


def test_json_deeper_than_the_limit_is_refused_and_at_the_limit_passes():
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert loads_checked(at_limit) is not None
    too_deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(InputRefused, match="nested too deeply"):
        loads_checked(too_deep)
    with pytest.raises(InputRefused, match="nested too deeply"):
        loads_checked("[" * 100_000 + "]" * 100_000)  # would exhaust the stack of json.loads


def test_dates_are_bounded():
    from datetime import date

    validate_sensible_date(date(1900, 1, 1))
    validate_sensible_date(date(2100, 12, 31))
    for bad in (date(1899, 12, 31), date(2101, 1, 1), date(9999, 12, 31), date(1, 1, 1)):
        with pytest.raises(ValidationError, match="between 1900-01-01 and 2100-12-31"):
            validate_sensible_date(bad)
    with pytest.raises(ValidationError, match="Please give a date between"):
        validate_plan_date(date(2100, 12, 31))


# --- finding 1: schedules and goal proposals that broke the patient's pages --------------------


def test_a_schedule_starting_9999_12_31_is_refused_and_every_page_still_works(
    client, patient, workspace, gp, gp_membership
):
    client.force_login(gp, **LOGIN)
    url = reverse("clinician:measures_schedule", args=[workspace.pk])
    api_url = reverse("api:measure-schedule-list", kwargs={"workspace_id": workspace.pk})
    for day in ("9999-12-31", "2100-12-31", "0001-01-01"):
        page = client.post(url, {"instrument": "phq9", "starts_on": day, "active": "on"})
        assert page.status_code == 400
        assert "Please give a date between" in page.content.decode()
        body = {"instrument": "phq9", "starts_on": "2026-02-01", "every_weeks": 2}
        for field in ("starts_on", "ends_on"):
            response = _api(gp).put(api_url, body | {field: day}, format="json")
            assert response.status_code == 400
            assert "Please give a date between" in response.json()[field][0]
    assert not Schedule.objects.exists()
    _pages_work(client, patient, gp, workspace)


def test_a_goal_proposal_with_a_lone_surrogate_or_nul_is_refused_and_goals_still_work(
    client, patient, workspace, gp, gp_membership
):
    url = reverse("api:goal-proposal-list", kwargs={"workspace_id": workspace.pk})
    for escaped in ("\\ud800", "\\u0000"):
        for body in (
            f'{{"kind": "new_ladder", "payload": {{"title": "Walk {escaped}"}}}}',
            f'{{"kind": "new_ladder", "payload": {{"title{escaped}": "Walk"}}}}',
            f'{{"kind": "new_ladder", "payload": {{"title": "Walk"}}, "note": "{escaped}"}}',
        ):
            response = _raw_json(_api(gp), "post", url, body)
            assert response.status_code == 400, body
            assert "cannot be stored" in response.json()["detail"]
    # And through the clinician's page: the form field is refused before the view.
    client.force_login(gp, **LOGIN)
    page = client.post(
        reverse("clinician:goal_propose_ladder", args=[workspace.pk]),
        {"title": NUL, "why": "x"},
    )
    assert page.status_code == 400 and "cannot be stored" in page.content.decode()
    assert not Proposal.objects.exists()
    # A clean proposal still goes through, and the patient's goals page shows it.
    ok = _raw_json(_api(gp), "post", url, '{"kind": "new_ladder", "payload": {"title": "Walk"}}')
    assert ok.status_code == 201
    _pages_work(client, patient, gp, workspace)


# --- finding 2: text fields, nesting, the guidance CSV ----------------------------------------


def test_nul_or_a_lone_surrogate_in_the_time_zone_is_refused(client, patient):
    me = reverse("api:me")
    for escaped in ("Europe/Copenhagen\\u0000", "Europe/\\ud800"):
        response = _raw_json(_api(patient), "patch", me, f'{{"timezone": "{escaped}"}}')
        assert response.status_code == 400
    client.force_login(patient, **LOGIN)
    page = client.post(
        reverse("accounts:profile"),
        {"full_name": "Pat", "timezone": "Europe/Copenhagen\x00", "language": "en"},
    )
    assert page.status_code == 400 and "cannot be stored" in page.content.decode()
    patient.refresh_from_db()
    assert patient.timezone == "Europe/Copenhagen" and patient.full_name == "Pat Patient"
    assert client.get(reverse("patient:dashboard")).status_code == 200


def test_nul_or_a_lone_surrogate_in_questionnaire_answers_is_refused(
    client, patient, workspace, gp, gp_membership
):
    response = measures.response_start(workspace=workspace, instrument="phq9", by=patient)
    url = reverse(
        "api:measure-response-detail",
        kwargs={"workspace_id": workspace.pk, "response_id": response.pk},
    )
    for body in ('{"answers": {"1": "\\ud800"}}', '{"answers": {"1\\u0000": 1}}'):
        assert _raw_json(_api(patient), "patch", url, body).status_code == 400
    client.force_login(patient, **LOGIN)
    page_url = reverse("patient:measure_response", args=[response.pk])
    page = client.post(page_url, {"item-1": "1\x00", "action": "save"})
    assert page.status_code == 400 and "cannot be stored" in page.content.decode()
    page = client.post(page_url, {"item-1\x00": "1", "action": "save"})
    assert page.status_code == 400
    assert Response.objects.get().answers == {}
    assert client.get(page_url).status_code == 200
    _pages_work(client, patient, gp, workspace)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_deeply_nested_json_gets_a_400(patient, workspace, depth):
    url = reverse("api:goal-proposal-list", kwargs={"workspace_id": workspace.pk})
    nested = "[" * depth + "]" * depth
    body = f'{{"kind": "new_ladder", "payload": {{"title": {nested}}}}}'
    response = _raw_json(_api(patient), "post", url, body)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
    assert not Proposal.objects.exists()


def test_the_guidance_report_refuses_months_outside_1900_to_2100(client, gp):
    client.force_login(gp, **LOGIN)
    csv_url = reverse("clinician:guidance_report_csv")
    for month in ("9999-12", "2101-01", "1899-12", "0000-01"):
        response = client.get(csv_url, {"month": month})
        assert response.status_code == 400, month
        assert "from 1900-01 to 2100-12" in response.content.decode()
        page = client.get(reverse("clinician:guidance_report"), {"month": month})
        assert page.status_code == 200  # the page falls back to this month and says so
        assert "That month is not known" in page.content.decode()
    assert client.get(csv_url, {"month": "2100-12"}).status_code == 200
    assert client.get(csv_url, {"month": "\x00"}).status_code == 400


def test_query_strings_with_nul_or_a_surrogate_are_refused_with_a_clear_message(client, gp):
    client.force_login(gp, **LOGIN)
    response = client.get(reverse("clinician:guidance_report"), {"month": "2026-01\x00"})
    assert response.status_code == 400 and "cannot be stored" in response.content.decode()
    api = _api(gp).get(reverse("api:me") + "?x=%00")
    assert api.status_code == 400 and "cannot be stored" in api.json()["detail"]


def test_clean_input_still_goes_through(client, patient, workspace):
    url = reverse("api:goal-proposal-list", kwargs={"workspace_id": workspace.pk})
    assert _api(patient).get(url).status_code == 200
    client.force_login(patient, **LOGIN)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Pat Æblegård 😀", "timezone": "Europe/Oslo", "language": "en"},
    )
    assert response.status_code in {200, 302}
    patient.refresh_from_db()
    assert patient.full_name == "Pat Æblegård 😀" and patient.timezone == "Europe/Oslo"
