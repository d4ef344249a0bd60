"""Responses and scores as FHIR resources, for the patient's export and for GP systems.

Built as plain dicts and validated with the ``fhir.resources`` models. The package ships FHIR
R5, R4B and STU3 models; R4B (4.3) is used: Patient, QuestionnaireResponse, Observation and
Bundle are the same shape as in R4 (4.0.1) for everything written here.

Shape of the Bundle (``type: collection``), see also docs/measures.md:

- one **Patient** per patient whose responses are in it (name and the platform's own
  identifier only), before the responses;
- one **QuestionnaireResponse** per response (unanswered items carry no answer, never a 0), with
  ``language`` and the texts of the language version it was answered in;
- one **CarePlan** per course of care (docs/courses.md): ``status`` ``completed`` once it has
  ended (``active`` while open), its ``period``, and the discharge summary as its
  ``description`` and ``note``;
- one **Observation** per scored response: the total (LOINC where LOINC has a code for it), the
  band as interpretation, one ``component`` per answered item (coded with the item's LOINC code
  where LOINC has one) and ``derivedFrom`` the QuestionnaireResponse.

Every entry has ``fullUrl: urn:uuid:<id>`` and its resource's ``id`` is that same UUID; every
reference inside the Bundle (``subject``, ``derivedFrom``) is such a ``urn:uuid:`` and equals the
``fullUrl`` of an entry of the same Bundle, which is how FHIR resolves references in a Bundle.
"""

from __future__ import annotations

import uuid

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from care import policies
from measures.definitions import NOT_APPLICABLE, Instrument, recorded_version
from measures.models import Response

SYSTEM = "urn:guided-care:measures"  # the platform's own codes (totals, items, options, bands)
PATIENT_SYSTEM = "urn:guided-care:patient"  # the platform's own patient identifier (user UUID)
# Canonical URL of the platform's own Questionnaire for an instrument: ``<base>/<code>|<version>``.
# Stable across deployments (it names the definition, not a server), so not SITE_URL. The
# ``.example`` host is reserved and never resolves: replace it with a domain the project controls
# before Questionnaire resources are published there.
QUESTIONNAIRE_BASE = "https://guided-care.example/fhir/Questionnaire"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

# LOINC codes. Instrument metadata otherwise lives in ``measures/instruments/*.yaml`` (whose
# ``loinc`` key holds the total's code, read first); these tables are kept here until the
# definitions carry item codes. Only codes checked against LOINC's own pages are listed
# (loinc.org 69729-2, the PHQ-SADS panel holding the PHQ-9, GAD-7 and PHQ-15 terms; 44249-1;
# answer list LL358-3). LOINC has no WHO-5 terms that we could confirm, so the WHO-5 has none.
LOINC_TOTAL = {
    "phq9": "44261-6",  # Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]
    "gad7": "70274-6",  # Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]
    "phq15": "70273-8",  # Patient Health Questionnaire 15 item (PHQ-15) total score [Reported]
}
# Item codes in item order (item 1 first), for the definition version whose items they match.
LOINC_ITEMS = {
    ("phq9", "1"): (
        "44250-9",  # 1 Little interest or pleasure in doing things
        "44255-8",  # 2 Feeling down, depressed, or hopeless
        "44259-0",  # 3 Trouble falling or staying asleep, or sleeping too much
        "44254-1",  # 4 Feeling tired or having little energy
        "44251-7",  # 5 Poor appetite or overeating
        "44258-2",  # 6 Feeling bad about yourself ...
        "44252-5",  # 7 Trouble concentrating on things ...
        "44253-3",  # 8 Moving or speaking so slowly ... Or the opposite ...
        "44260-8",  # 9 Thoughts that you would be better off dead, or of hurting yourself ...
    ),
    ("gad7", "1"): (
        "69725-0",  # 1 Feeling nervous, anxious or on edge
        "68509-9",  # 2 Not being able to stop or control worrying
        "69733-4",  # 3 Worrying too much about different things
        "69734-2",  # 4 Trouble relaxing
        "69735-9",  # 5 Being so restless that it is hard to sit still
        "69689-8",  # 6 Becoming easily annoyed or irritable
        "69736-7",  # 7 Feeling afraid as if something awful might happen
    ),
}
# LOINC answer list LL358-3 (Not at all / Several days / More than half the days / Nearly every
# day), used by the PHQ-9 and GAD-7 item terms above: option value -> LOINC answer code.
_LL358_3 = {0: "LA6568-5", 1: "LA6569-3", 2: "LA6570-1", 3: "LA6571-9"}
LOINC_ANSWERS = {("phq9", "1"): _LL358_3, ("gad7", "1"): _LL358_3}
# Instruments whose stored total is a percentage score rather than the raw sum of the items:
# the WHO-5 stores raw score (0-25) x 4 (``multiplier: 4`` in who5.yaml), i.e. 0-100.
PERCENTAGE_SCORES = frozenset({"who5"})


def _urn(value) -> str:
    return f"urn:uuid:{value}"


def observation_id(response: Response) -> str:
    """The total's Observation id: a UUID derived from the response's, so stable per export."""
    return str(uuid.uuid5(uuid.UUID(str(response.pk)), "total"))


def _subject(response: Response) -> dict:
    return {"reference": _urn(response.workspace.patient_id)}


def total_loinc(instrument: Instrument) -> str:
    return instrument.loinc or LOINC_TOTAL.get(instrument.code, "")


def questionnaire_canonical(instrument: Instrument, version: str) -> str:
    """The canonical URL (with ``|version``) of the platform's Questionnaire for an instrument.

    Always the platform's own, also for the PHQ-9 and GAD-7: LOINC's Questionnaires for them
    (e.g. ``http://loinc.org/q/44249-1``) use other linkIds and answer codes and include the
    PHQ-9's unscored tenth question, so our responses would not conform to them."""
    return f"{QUESTIONNAIRE_BASE}/{instrument.code}|{version}"


def _answer_coding(instrument: Instrument, item, value) -> dict:
    if value == NOT_APPLICABLE:
        display = item.not_applicable
    else:
        display = next(o.label for o in instrument.options if o.value == value)
    return {"system": f"{SYSTEM}:{instrument.code}:options", "code": str(value), "display": display}


def patient(user, organisation=None) -> dict:
    """The patient: their name, the platform's own identifier (their user UUID, which every
    earlier export already carried in its references) and, where the organisation responsible
    for them has a register identifier, that organisation as ``managingOrganization``."""
    data = {
        "resourceType": "Patient",
        "id": str(user.pk),
        "identifier": [{"system": PATIENT_SYSTEM, "value": str(user.pk)}],
    }
    if user.full_name:
        data["name"] = [{"text": user.full_name}]
    if organisation is not None and organisation.identifier and organisation.identifier_system:
        data["managingOrganization"] = {
            "identifier": {
                "system": organisation.identifier_system,
                "value": organisation.identifier,
            },
            "display": organisation.name,
        }
    return Patient.model_validate(data).model_dump(mode="json", exclude_none=True)


def questionnaire_response(response: Response, instrument: Instrument) -> dict:
    """The response with the texts of the language version it was answered in (``language``
    is that version's: 'en', 'da' or 'nb'). Codes and values never depend on the language."""
    if response.language != instrument.language:
        instrument = recorded_version(instrument.code, response.language)
    items = []
    for item in instrument.items:
        value = response.answers.get(str(item.number))
        entry = {"linkId": str(item.number), "text": item.text}
        if value is not None:
            entry["answer"] = [{"valueCoding": _answer_coding(instrument, item, value)}]
        items.append(entry)
    data = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "language": instrument.language,
        "questionnaire": questionnaire_canonical(instrument, response.instrument_version),
        "status": "completed" if response.is_completed else "in-progress",
        "subject": _subject(response),
        "authored": (response.completed_at or response.updated_at).isoformat(),
        "item": items,
    }
    return QuestionnaireResponse.model_validate(data).model_dump(mode="json", exclude_none=True)


def _components(response: Response, instrument: Instrument) -> list[dict]:
    """One component per answered item, coded with LOINC where LOINC has the item."""
    key = (instrument.code, response.instrument_version)
    item_codes = LOINC_ITEMS.get(key, ())
    answer_codes = LOINC_ANSWERS.get(key, {})
    components = []
    for index, item in enumerate(instrument.items):
        value = response.answers.get(str(item.number))
        if value is None:
            continue
        codings = [{"system": SYSTEM, "code": f"{instrument.code}-item-{item.number}"}]
        if index < len(item_codes):
            codings.insert(0, {"system": LOINC, "code": item_codes[index]})
        answer = _answer_coding(instrument, item, value)
        values = [answer]
        if value in answer_codes:
            values.append({"system": LOINC, "code": answer_codes[value]})
        components.append(
            {
                "code": {"coding": codings, "text": item.text},
                "valueCodeableConcept": {"coding": values, "text": answer["display"]},
            }
        )
    return components


def _total(instrument: Instrument) -> tuple[list[dict], str, dict]:
    """The total's codings, code text and quantity unit: percentage or raw sum score."""
    if instrument.code in PERCENTAGE_SCORES:
        raw_max = instrument.max_score // instrument.multiplier
        codings = [
            {
                "system": SYSTEM,
                "code": f"{instrument.code}-percentage-score",
                "display": f"{instrument.name} percentage score (0-{instrument.max_score})",
            }
        ]
        text = (
            f"{instrument.name} percentage score (0-{instrument.max_score}): the raw score "
            f"(0-{raw_max}) x {instrument.multiplier}"
        )
        unit = {"unit": "%", "system": UCUM, "code": "%"}
    else:
        codings = [
            {"system": SYSTEM, "code": f"{instrument.code}-total", "display": instrument.name}
        ]
        how = "raw sum of the items"
        if instrument.multiplier != 1:
            how = f"sum of the items x {instrument.multiplier}"
        text = (
            f"{instrument.name} total score ({instrument.min_score}-{instrument.max_score}, {how})"
        )
        unit = {"unit": "score", "system": UCUM, "code": "{score}"}
    loinc = total_loinc(instrument)
    if loinc:
        codings.insert(0, {"system": LOINC, "code": loinc})
    return codings, text, unit


def observation(response: Response, instrument: Instrument) -> dict | None:
    """The total score as an Observation, or None when there is no total."""
    if response.total is None:
        return None
    codings, text, unit = _total(instrument)
    band = instrument.band_for(response.total)
    data = {
        "resourceType": "Observation",
        "id": observation_id(response),
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
        "code": {"coding": codings, "text": text},
        "subject": _subject(response),
        "effectiveDateTime": response.completed_at.isoformat(),
        "valueQuantity": {"value": response.total, **unit},
        "interpretation": [
            {
                "coding": [{"system": f"{SYSTEM}:{instrument.code}:bands", "code": band.code}],
                "text": band.label,
            }
        ],
        "derivedFrom": [{"reference": _urn(response.pk)}],
    }
    components = _components(response, instrument)
    if components:
        data["component"] = components
    if response.prorated:
        data["note"] = [{"text": "Prorated: some answers were missing."}]
    return Observation.model_validate(data).model_dump(mode="json", exclude_none=True)


def _entry(resource: dict) -> dict:
    return {"fullUrl": _urn(resource["id"]), "resource": resource}


def _summary_lines(course) -> list[tuple[str, str]]:
    return [
        (label, text)
        for label, text in (
            ("What we worked on", course.worked_on),
            ("What helped", course.helped),
            ("Staying well and next steps", course.next_steps),
        )
        if text
    ]


def care_plan(course) -> dict:
    """A course of care as a CarePlan: completed once ended (with the discharge summary),
    active while open; the discharge summary's parts are its notes."""
    ended = course.ended_at is not None
    period = {"start": course.started_at.isoformat()}
    if ended:
        period["end"] = course.ended_at.isoformat()
    data = {
        "resourceType": "CarePlan",
        "id": str(course.pk),
        "status": "completed" if ended else "active",
        "intent": "plan",
        "title": f"Course of care {course.number}",
        "subject": {"reference": _urn(course.workspace.patient_id)},
        "period": period,
    }
    lines = _summary_lines(course)
    if lines:
        data["description"] = "\n\n".join(f"{label}: {text}" for label, text in lines)
        data["note"] = [{"text": f"{label}: {text}"} for label, text in lines]
    return CarePlan.model_validate(data).model_dump(mode="json", exclude_none=True)


def bundle(responses, instruments: dict[str, Instrument], courses=()) -> dict:
    """A collection Bundle of every response (and its score) given, with their patients, and
    of the courses of care given, as CarePlans."""
    patients: dict[object, dict] = {}  # patient id -> entry, in order of first appearance

    def _patient_entry(workspace) -> None:
        if workspace.patient_id not in patients:
            organisations = policies.patient_organisations(workspace)
            patients[workspace.patient_id] = _entry(
                patient(workspace.patient, organisations[0] if organisations else None)
            )

    entries = []
    for course in courses:
        _patient_entry(course.workspace)
        entries.append(_entry(care_plan(course)))
    for response in responses:
        instrument = instruments.get(response.instrument)
        if instrument is None:
            continue
        _patient_entry(response.workspace)
        entries.append(_entry(questionnaire_response(response, instrument)))
        obs = observation(response, instrument)
        if obs is not None:
            entries.append(_entry(obs))
    data = {"resourceType": "Bundle", "type": "collection", "entry": [*patients.values(), *entries]}
    return Bundle.model_validate(data).model_dump(mode="json", exclude_none=True)
