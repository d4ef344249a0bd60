"""The JSON API: behaviour, JSON errors, bad input changes nothing, ids of others give 404."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from care.models import CareTeamMembership, WorkspaceUserObjectPermission
from care.sections import Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def sharing_url(workspace, membership):
    return f"/api/v1/workspaces/{workspace.pk}/members/{membership.pk}/sharing/"


def test_token_authentication_works_and_errors_are_json(api, patient, workspace):
    _instance, token = AuthToken.objects.create(user=patient)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["email"] == patient.email
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401 and "detail" in response.json()


def test_patient_sets_sharing_through_the_api(api, patient, workspace, gp_membership, gp):
    response = as_user(api, patient).put(
        sharing_url(workspace, gp_membership), {"sections": ["goals"]}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"sections": ["goals"]}
    assert {
        p.permission.codename for p in WorkspaceUserObjectPermission.objects.filter(user=gp)
    } == {"share_goals"}


@pytest.mark.parametrize(
    "body",
    [
        {"sections": ["goals", "bank_details"]},
        {"sections": "goals"},
        {"sections": [{"$ne": 1}]},
        {},
        {"sections": ["goals"] * 5000},
    ],
)
def test_bad_sharing_bodies_are_400_with_a_message_and_change_nothing(
    api, patient, workspace, gp_membership, gp, body
):
    response = as_user(api, patient).put(sharing_url(workspace, gp_membership), body, format="json")
    assert response.status_code == 400
    assert response.json()
    assert WorkspaceUserObjectPermission.objects.filter(user=gp).count() == len(Section)


def test_malformed_json_is_a_400(api, patient, workspace, gp_membership):
    response = as_user(api, patient).generic(
        "PUT", sharing_url(workspace, gp_membership), "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "detail" in response.json()


def test_oversized_body_is_refused_without_a_500(api, patient, workspace, gp_membership):
    huge = '{"sections": ["' + "x" * (2 * 1024 * 1024) + '"]}'
    response = as_user(api, patient).generic(
        "PUT", sharing_url(workspace, gp_membership), huge, content_type="application/json"
    )
    assert response.status_code in (400, 413)


def test_another_patients_ids_give_404_and_change_nothing(
    api, other_patient, workspace, gp_membership, gp
):
    response = as_user(api, other_patient).put(
        sharing_url(workspace, gp_membership), {"sections": []}, format="json"
    )
    assert response.status_code == 404
    assert WorkspaceUserObjectPermission.objects.filter(user=gp).count() == len(Section)


def test_body_fields_like_patient_or_clinician_are_ignored(
    api, patient, workspace, gp_membership, other_patient
):
    response = as_user(api, patient).patch(
        "/api/v1/me/",
        {"full_name": "Renamed", "role": "gp", "email": "evil@example.test"},
        format="json",
    )
    assert response.status_code == 200
    patient.refresh_from_db()
    assert (patient.full_name, patient.role, patient.email) == ("Renamed", "patient", patient.email)
    assert patient.email != "evil@example.test"


def test_clinician_sees_only_their_active_workspaces_with_what_is_shared(
    api, gp, workspace, gp_membership, other_patient
):
    from tests.factories import workspace_for

    workspace_for(other_patient)
    data = as_user(api, gp).get("/api/v1/workspaces/").json()
    assert [w["id"] for w in data] == [str(workspace.pk)]
    assert data[0]["shared_with_me"] == sorted(s.value for s in Section)


def test_member_list_does_not_tell_a_clinician_what_others_see(
    api, therapist, workspace, gp_membership, therapist_membership
):
    data = as_user(api, therapist).get(f"/api/v1/workspaces/{workspace.pk}/members/").json()
    by_role = {m["role"]: m for m in data}
    assert by_role["gp"]["shared"] == []


def test_patient_ends_a_membership_through_the_api(api, patient, workspace, gp_membership):
    response = as_user(api, patient).delete(
        f"/api/v1/workspaces/{workspace.pk}/members/{gp_membership.pk}/"
    )
    assert response.status_code == 204
    gp_membership.refresh_from_db()
    assert gp_membership.status == CareTeamMembership.Status.ENDED


def test_accepting_an_ended_membership_is_a_400(api, patient, workspace, gp_membership):
    url = f"/api/v1/workspaces/{workspace.pk}/members/{gp_membership.pk}/"
    as_user(api, patient).delete(url)
    response = api.patch(url, {"status": "active", "sections": ["goals"]}, format="json")
    assert response.status_code == 400 and "no longer open" in str(response.json())


def test_access_log_api_lists_reads_newest_first(api, patient, gp, workspace, gp_membership):
    as_user(api, gp).get(f"/api/v1/workspaces/{workspace.pk}/")
    data = as_user(api, patient).get(f"/api/v1/workspaces/{workspace.pk}/access-log/").json()
    assert [row["section"] for row in data["results"]] == ["overview"]
    assert data["results"][0]["actor_name"] == gp.full_name


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/workspaces/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs
