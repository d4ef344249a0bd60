import json
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from measures import fhir, services
from measures.definitions import get_instrument, instruments
from measures.models import Response

pytestmark = pytest.mark.django_db


def _complete(workspace, patient, instrument, answers):
    response = services.response_start(workspace=workspace, instrument=instrument, by=patient)
    services.response_save_answers(response=response, answers=answers, by=patient)
    return services.response_complete(response=response, by=patient)


def _references(node):
    """Every ``reference`` string anywhere in a resource (subject, derivedFrom, hasMember...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _checked(data: dict) -> dict:
    """Validate a Bundle and check what FHIR needs for references to resolve inside it: every
    entry has a unique ``urn:uuid:`` fullUrl naming its resource's id, and every reference
    equals the fullUrl of an entry."""
    Bundle.model_validate(data)
    full_urls = [entry["fullUrl"] for entry in data.get("entry", [])]
    assert len(full_urls) == len(set(full_urls)) == len(data.get("entry", []))
    for entry in data.get("entry", []):
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    references = list(_references(data))
    assert set(references) <= set(full_urls), set(references) - set(full_urls)
    return data


def _resources(data: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def _bundle_of(*responses) -> dict:
    ids = [r.pk for r in responses]
    return _checked(
        fhir.bundle(Response.objects.filter(pk__in=ids).select_related("workspace"), instruments())
    )


def test_a_phq9_exports_as_valid_questionnaire_response_and_observation(patient, workspace):
    response = _complete(workspace, patient, "phq9", dict.fromkeys(range(1, 10), 2))
    qr = fhir.questionnaire_response(response, get_instrument("phq9"))
    QuestionnaireResponse.model_validate(qr)
    assert qr["status"] == "completed" and len(qr["item"]) == 9
    assert qr["item"][8]["answer"][0]["valueCoding"]["display"] == "More than half the days"
    obs = fhir.observation(response, get_instrument("phq9"))
    Observation.model_validate(obs)
    assert obs["valueQuantity"] == {
        "value": 18,
        "unit": "score",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
    assert obs["code"]["coding"][0] == {"system": "http://loinc.org", "code": "44261-6"}
    assert obs["interpretation"][0]["text"] == "Moderately severe"
    assert obs["derivedFrom"] == [{"reference": f"urn:uuid:{response.pk}"}]
    assert obs["subject"] == {"reference": f"urn:uuid:{response.workspace.patient_id}"}


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
    bundle = Bundle.model_validate(_checked(reply.json()))
    kinds = sorted(entry.resource.get_resource_type() for entry in bundle.entry)
    assert kinds == [
        "CarePlan",  # the open course of care that accepting the GP started
        "Observation",
        "Observation",
        "Patient",
        "QuestionnaireResponse",
        "QuestionnaireResponse",
    ]


def test_every_instrument_exports(patient, workspace):
    for code, instrument in instruments().items():
        top = max(instrument.option_values)
        _complete(workspace, patient, code, dict.fromkeys(instrument.item_numbers, top))

    data = _checked(fhir.bundle(Response.objects.select_related("workspace"), instruments()))
    assert len(data["entry"]) == 1 + 2 * len(instruments())
    assert len(_resources(data, "Patient")) == 1


@pytest.mark.parametrize("code", sorted(instruments()))
def test_each_instrument_gives_a_valid_self_contained_bundle(patient, workspace, code):
    instrument = get_instrument(code)
    answers = dict.fromkeys(instrument.item_numbers, min(instrument.option_values))
    data = _bundle_of(_complete(workspace, patient, code, answers))
    assert all(entry.get("fullUrl") for entry in data["entry"])
    assert [e["resource"]["resourceType"] for e in data["entry"]] == [
        "Patient",
        "QuestionnaireResponse",
        "Observation",
    ]
    (qr,) = _resources(data, "QuestionnaireResponse")
    (obs,) = _resources(data, "Observation")
    (pat,) = _resources(data, "Patient")
    assert qr["subject"]["reference"] == obs["subject"]["reference"] == f"urn:uuid:{pat['id']}"
    assert obs["derivedFrom"] == [{"reference": f"urn:uuid:{qr['id']}"}]
    # One component per answered item, each naming the item.
    assert [c["code"]["text"] for c in obs["component"]] == [i.text for i in instrument.items]


@pytest.mark.parametrize("code", sorted(instruments()))
def test_the_questionnaire_is_an_absolute_canonical_with_its_version(patient, workspace, code):
    response = services.response_start(workspace=workspace, instrument=code, by=patient)
    canonical = fhir.questionnaire_response(response, get_instrument(code))["questionnaire"]
    url, _, version = canonical.partition("|")
    parsed = urlparse(url)
    assert parsed.scheme == "https" and parsed.netloc and parsed.path.endswith(f"/{code}")
    assert version == response.instrument_version


def test_the_patient_resource_holds_the_name_and_the_platform_identifier_only(patient, workspace):
    data = _bundle_of(_complete(workspace, patient, "gad7", dict.fromkeys(range(1, 8), 0)))
    (pat,) = _resources(data, "Patient")
    assert pat == {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "identifier": [{"system": "urn:guided-care:patient", "value": str(patient.pk)}],
        "name": [{"text": "Pat Patient"}],
    }
    assert patient.email not in json.dumps(data)


def test_a_bundle_of_two_patients_has_one_patient_each(patient, workspace, other_patient):
    from tests.factories import workspace_for

    mine = _complete(workspace, patient, "phq9", dict.fromkeys(range(1, 10), 0))
    theirs = _complete(
        workspace_for(other_patient), other_patient, "phq9", dict.fromkeys(range(1, 10), 1)
    )
    data = _bundle_of(mine, theirs)
    assert sorted(p["id"] for p in _resources(data, "Patient")) == sorted(
        [str(patient.pk), str(other_patient.pk)]
    )
    subjects = {
        qr["id"]: qr["subject"]["reference"] for qr in _resources(data, "QuestionnaireResponse")
    }
    assert subjects == {
        str(mine.pk): f"urn:uuid:{patient.pk}",
        str(theirs.pk): f"urn:uuid:{other_patient.pk}",
    }


def test_the_patient_is_read_once_per_bundle(
    patient, workspace, gp_membership, django_assert_num_queries
):
    """The patient and their organisation (the care team's) are read once, however many
    responses: 1 query for the patient, 1 for the care team's organisations."""
    for code in ("phq9", "gad7", "who5", "phq15"):
        instrument = get_instrument(code)
        _complete(workspace, patient, code, dict.fromkeys(instrument.item_numbers, 1))
    responses = list(Response.objects.select_related("workspace"))
    with django_assert_num_queries(2):
        fhir.bundle(responses, instruments())


def test_the_patient_names_their_organisation_by_its_register_identifier(
    patient, workspace, gp, gp_membership
):
    organisation = gp.organisation
    data = _bundle_of(_complete(workspace, patient, "gad7", dict.fromkeys(range(1, 8), 0)))
    (pat,) = _resources(data, "Patient")
    assert "managingOrganization" not in pat, "no identifier, no organisation"
    organisation.identifier_system = "https://fhir.nhs.uk/Id/ods-organization-code"
    organisation.identifier = "A81001"
    organisation.save()
    response = Response.objects.select_related("workspace").get()
    (pat,) = _resources(_bundle_of(response), "Patient")
    assert pat["managingOrganization"] == {
        "identifier": {
            "system": "https://fhir.nhs.uk/Id/ods-organization-code",
            "value": "A81001",
        },
        "display": organisation.name,
    }


def test_the_phq15_total_is_coded_with_loinc(patient, workspace):
    response = _complete(workspace, patient, "phq15", {**dict.fromkeys(range(1, 16), 1), 4: "na"})
    obs = fhir.observation(response, get_instrument("phq15"))
    assert obs["code"]["coding"][0] == {"system": "http://loinc.org", "code": "70273-8"}
    assert obs["valueQuantity"]["value"] == 14 and obs["valueQuantity"]["code"] == "{score}"
    item4 = obs["component"][3]
    assert item4["code"]["coding"] == [
        {"system": "urn:guided-care:measures", "code": "phq15-item-4"}
    ]
    assert item4["valueCodeableConcept"]["coding"][0]["code"] == "na"
    assert item4["valueCodeableConcept"]["text"] == "Does not apply to me"


def test_the_gad7_total_is_coded_with_loinc(patient, workspace):
    response = _complete(workspace, patient, "gad7", dict.fromkeys(range(1, 8), 2))
    obs = fhir.observation(response, get_instrument("gad7"))
    assert obs["code"]["coding"][0] == {"system": "http://loinc.org", "code": "70274-6"}


def _loinc(codeable: dict) -> list[str]:
    return [c["code"] for c in codeable["coding"] if c["system"] == "http://loinc.org"]


def test_phq9_items_carry_their_loinc_codes_and_item_9_is_44260_8(patient, workspace):
    response = _complete(workspace, patient, "phq9", {**dict.fromkeys(range(1, 9), 0), 9: 2})
    obs = fhir.observation(response, get_instrument("phq9"))
    Observation.model_validate(obs)
    codes = [_loinc(c["code"]) for c in obs["component"]]
    assert codes == [
        ["44250-9"],
        ["44255-8"],
        ["44259-0"],
        ["44254-1"],
        ["44251-7"],
        ["44258-2"],
        ["44252-5"],
        ["44253-3"],
        ["44260-8"],
    ]
    item9 = obs["component"][8]
    assert item9["code"]["text"].startswith("Thoughts that you would be better off dead")
    value = item9["valueCodeableConcept"]
    assert value["text"] == "More than half the days"
    assert {"system": "http://loinc.org", "code": "LA6570-1"} in value["coding"]
    assert value["coding"][0]["code"] == "2"


def test_gad7_items_carry_their_loinc_codes(patient, workspace):
    response = _complete(workspace, patient, "gad7", dict.fromkeys(range(1, 8), 3))
    obs = fhir.observation(response, get_instrument("gad7"))
    assert [_loinc(c["code"]) for c in obs["component"]] == [
        ["69725-0"],
        ["68509-9"],
        ["69733-4"],
        ["69734-2"],
        ["69735-9"],
        ["69689-8"],
        ["69736-7"],
    ]
    assert all(_loinc(c["valueCodeableConcept"]) == ["LA6571-9"] for c in obs["component"])


def test_the_who5_total_says_it_is_a_percentage_not_the_raw_score(patient, workspace):
    response = _complete(workspace, patient, "who5", dict.fromkeys(range(1, 6), 3))
    obs = fhir.observation(response, get_instrument("who5"))
    Observation.model_validate(obs)
    assert obs["valueQuantity"] == {
        "value": 60,  # raw 15 of 25, x 4
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    assert obs["code"]["coding"] == [
        {
            "system": "urn:guided-care:measures",
            "code": "who5-percentage-score",
            "display": "WHO-5 percentage score (0-100)",
        }
    ]
    assert "percentage score (0-100)" in obs["code"]["text"]
    assert "raw score (0-25) x 4" in obs["code"]["text"]
    assert not _loinc(obs["code"])  # no LOINC code we could confirm


def test_the_loinc_tables_agree_with_the_definitions():
    for code, instrument in instruments().items():
        if instrument.loinc:
            assert fhir.LOINC_TOTAL.get(code, instrument.loinc) == instrument.loinc
        item_codes = fhir.LOINC_ITEMS.get((code, instrument.version))
        if item_codes is not None:
            assert len(item_codes) == len(instrument.items)
            assert len(set(item_codes)) == len(item_codes)
        if code in fhir.PERCENTAGE_SCORES:
            assert instrument.max_score == 100


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
    bundle = Bundle.model_validate(_checked(body["fhir"]))
    assert bundle.type == "collection"
    resources = [entry.resource for entry in bundle.entry]
    assert [r.__resource_type__ for r in resources] == [
        "Patient",
        "QuestionnaireResponse",
        "Observation",
    ]
    pat, qr, obs = resources
    QuestionnaireResponse.model_validate(qr.model_dump(mode="json", exclude_none=True))
    assert pat.id == str(patient.pk) and pat.name[0].text == "Pat Patient"
    assert qr.status == "completed" and len(qr.item) == 9
    assert obs.valueQuantity.value == 8 and obs.code.coding[0].code == "44261-6"
    assert obs.derivedFrom[0].reference == f"urn:uuid:{qr.id}"
    assert qr.subject.reference == obs.subject.reference == f"urn:uuid:{pat.id}"
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
    assert str(other_patient.pk) not in json.dumps(body["fhir"])
