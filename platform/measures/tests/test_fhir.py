import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from measures import fhir, services
from measures.definitions import get_instrument, instruments

pytestmark = pytest.mark.django_db


def _complete(workspace, patient, instrument, answers):
    response = services.response_start(workspace=workspace, instrument=instrument, by=patient)
    services.response_save_answers(response=response, answers=answers, by=patient)
    return services.response_complete(response=response, by=patient)


def test_a_phq9_exports_as_valid_questionnaire_response_and_observation(patient, workspace):
    response = _complete(workspace, patient, "phq9", dict.fromkeys(range(1, 10), 2))
    qr = fhir.questionnaire_response(response, get_instrument("phq9"))
    QuestionnaireResponse.model_validate(qr)
    assert qr["status"] == "completed" and len(qr["item"]) == 9
    assert qr["item"][8]["answer"][0]["valueCoding"]["display"] == "More than half the days"
    obs = fhir.observation(response, get_instrument("phq9"))
    Observation.model_validate(obs)
    assert obs["valueInteger"] == 18
    assert obs["code"]["coding"][0] == {"system": "http://loinc.org", "code": "44261-6"}
    assert obs["interpretation"][0]["text"] == "Moderately severe"


def test_an_unfinished_response_has_no_observation(patient, workspace):
    response = services.response_start(workspace=workspace, instrument="phq15", by=patient)
    response = services.response_save_answers(
        response=response, answers={"4": "na"}, by=patient
    ).response
    qr = fhir.questionnaire_response(response, get_instrument("phq15"))
    assert qr["status"] == "in-progress"
    assert qr["item"][3]["answer"][0]["valueCoding"]["code"] == "na"
    assert "answer" not in qr["item"][0]  # unanswered items carry no answer, never a 0
    assert fhir.observation(response, get_instrument("phq15")) is None


def test_the_export_endpoint_returns_a_valid_bundle_for_the_gp(
    patient, workspace, gp, gp_membership
):
    _complete(workspace, patient, "gad7", dict.fromkeys(range(1, 8), 1))
    _complete(workspace, patient, "who5", dict.fromkeys(range(1, 6), 3))
    api = APIClient()
    api.force_authenticate(gp)
    reply = api.get(reverse("api:measure-fhir", kwargs={"workspace_id": workspace.pk}))
    assert reply.status_code == 200
    bundle = Bundle.model_validate(reply.json())
    kinds = sorted(entry.resource.get_resource_type() for entry in bundle.entry)
    assert kinds == ["Observation", "Observation", "QuestionnaireResponse", "QuestionnaireResponse"]


def test_every_instrument_exports(patient, workspace):
    for code, instrument in instruments().items():
        top = max(instrument.option_values)
        _complete(workspace, patient, code, dict.fromkeys(instrument.item_numbers, top))
    from measures.models import Response

    data = fhir.bundle(Response.objects.select_related("workspace"), instruments())
    assert len(data["entry"]) == 2 * len(instruments())


def test_the_patients_own_download_holds_a_valid_fhir_bundle(client, patient, workspace):
    """The measures reach the patient's data download as a FHIR Bundle under "fhir", beside the
    raw records, through the ``EXTRA_EXPORTS`` hook of ``measures/data_rights.py``."""
    response = _complete(workspace, patient, "phq9", {**dict.fromkeys(range(1, 9), 1), 9: 0})
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    download = client.get(reverse("patient:my_data"), {"format": "json"})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    body = download.json()
    assert str(response.pk) in {row["id"] for row in body["data"]["measures.Response"]}
    bundle = Bundle.model_validate(body["fhir"])
    assert bundle.type == "collection"
    resources = [entry.resource for entry in bundle.entry]
    assert [r.__resource_type__ for r in resources] == ["QuestionnaireResponse", "Observation"]
    qr, obs = resources
    QuestionnaireResponse.model_validate(qr.model_dump(mode="json", exclude_none=True))
    assert qr.status == "completed" and len(qr.item) == 9
    assert obs.valueInteger == 8 and obs.code.coding[0].code == "44261-6"
    assert obs.derivedFrom[0].reference == f"QuestionnaireResponse/{qr.id}"
    assert qr.id == str(response.pk)


def test_the_download_holds_only_the_patients_own_measures(client, patient, other_patient):
    """Another patient's completed questionnaire never appears in this patient's Bundle, and a
    patient with no questionnaires gets a valid empty Bundle."""
    from tests.factories import workspace_for

    theirs = _complete(
        workspace_for(other_patient), other_patient, "gad7", dict.fromkeys(range(1, 8), 3)
    )
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    body = client.get(reverse("patient:my_data"), {"format": "json"}).json()
    bundle = Bundle.model_validate(body["fhir"])
    assert not bundle.entry
    assert str(theirs.pk) not in json.dumps(body)
