"""Responses and scores as FHIR resources, for the patient's export and for GP systems.

Built as plain dicts and validated with the ``fhir.resources`` models. The package ships FHIR
R5, R4B and STU3 models; R4B (4.3) is used: QuestionnaireResponse and Observation are the same
shape as in R4 (4.0.1) for everything written here.
"""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from measures.definitions import NOT_APPLICABLE, Instrument
from measures.models import Response

SYSTEM = "urn:guided-care:measures"


def _reference(response: Response) -> dict:
    return {"reference": f"Patient/{response.workspace.patient_id}"}


def questionnaire_response(response: Response, instrument: Instrument) -> dict:
    items = []
    for item in instrument.items:
        value = response.answers.get(str(item.number))
        entry = {"linkId": str(item.number), "text": item.text}
        if value is not None:
            if value == NOT_APPLICABLE:
                display = item.not_applicable
            else:
                display = next(o.label for o in instrument.options if o.value == value)
            entry["answer"] = [
                {
                    "valueCoding": {
                        "system": f"{SYSTEM}:{instrument.code}:options",
                        "code": str(value),
                        "display": display,
                    }
                }
            ]
        items.append(entry)
    data = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "questionnaire": f"{SYSTEM}:questionnaire:{instrument.code}|{response.instrument_version}",
        "status": "completed" if response.is_completed else "in-progress",
        "subject": _reference(response),
        "authored": (response.completed_at or response.updated_at).isoformat(),
        "item": items,
    }
    return QuestionnaireResponse.model_validate(data).model_dump(mode="json", exclude_none=True)


def observation(response: Response, instrument: Instrument) -> dict | None:
    """The total score as an Observation, or None when there is no total."""
    if response.total is None:
        return None
    codings = [{"system": SYSTEM, "code": f"{instrument.code}-total", "display": instrument.name}]
    if instrument.loinc:
        codings.insert(0, {"system": "http://loinc.org", "code": instrument.loinc})
    band = instrument.band_for(response.total)
    data = {
        "resourceType": "Observation",
        "id": f"{response.pk}-total",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {"coding": codings, "text": f"{instrument.name} total score"},
        "subject": _reference(response),
        "effectiveDateTime": response.completed_at.isoformat(),
        "valueInteger": response.total,
        "interpretation": [
            {
                "coding": [{"system": f"{SYSTEM}:{instrument.code}:bands", "code": band.code}],
                "text": band.label,
            }
        ],
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{response.pk}"}],
    }
    if response.prorated:
        data["note"] = [{"text": "Prorated: some answers were missing."}]
    return Observation.model_validate(data).model_dump(mode="json", exclude_none=True)


def bundle(responses, instruments: dict[str, Instrument]) -> dict:
    """A collection Bundle of every response (and its score) given."""
    entries = []
    for response in responses:
        instrument = instruments.get(response.instrument)
        if instrument is None:
            continue
        qr = questionnaire_response(response, instrument)
        entries.append({"fullUrl": f"urn:uuid:{response.pk}", "resource": qr})
        obs = observation(response, instrument)
        if obs is not None:
            entries.append({"resource": obs})
    data = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return Bundle.model_validate(data).model_dump(mode="json", exclude_none=True)
