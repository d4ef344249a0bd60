"""What of the measures belongs to the patient, and the FHIR Bundle of their responses and
scores that goes into their own download (``care.privacy.extra_exports``)."""

PATIENT_DATA = {
    "measures.Response": "workspace",
    "measures.SafetyEvent": "workspace",
    "measures.Schedule": "workspace",
    "measures.Reminder": "workspace",
    "measures.PersonalItem": "workspace",
    "measures.PersonalCheck": "workspace",
    "measures.PersonalRating": "personal_check__workspace",
}


def fhir_export(workspace) -> dict:
    """Every response and score of this workspace, and its courses of care (CarePlans), as a
    validated FHIR (R4B) collection Bundle,
    the same one GP systems get from ``GET /api/v1/workspaces/{id}/measures/fhir/``."""
    from care.courses import courses_of
    from measures import fhir, selectors
    from measures.definitions import instruments

    responses = selectors.responses_for_workspace(workspace).select_related("workspace")
    return fhir.bundle(responses, instruments(), courses=courses_of(workspace))


EXTRA_EXPORTS = {"fhir": fhir_export}
