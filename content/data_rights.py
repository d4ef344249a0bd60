"""What of the content app is a patient's (exported, erased with the workspace) and what is not."""

PATIENT_DATA = {
    "content.Enrolment": "workspace",
    "content.Prescription": "enrolment__workspace",
    "content.PageProgress": "enrolment__workspace",
    "content.ExerciseAnswer": "enrolment__workspace",
    "content.AnswerFeedback": "answer__enrolment__workspace",
}
NOT_PATIENT_DATA = {
    "content.Programme": "programme content from a content pack, the same for everyone",
    "content.Module": "programme content from a content pack, the same for everyone",
    "content.Page": "programme content from a content pack, the same for everyone",
    "content.Exercise": "the exercise's questions (the patient's answers are ExerciseAnswer)",
    "content.MediaAsset": "illustrations and recordings from a content pack",
}
