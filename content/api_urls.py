from django.urls import path

from content import api

_ws = "workspaces/<uuid:workspace_id>/"

urlpatterns = [
    path("programmes/", api.ProgrammeList.as_view(), name="programme-list"),
    path("programmes/<uuid:programme_id>/", api.ProgrammeDetail.as_view(), name="programme-detail"),
    path(
        "programmes/<uuid:programme_id>/media/<str:name>",
        api.ProgrammeMedia.as_view(),
        name="programme-media",
    ),
    path("programme-pages/<uuid:page_id>/", api.PageDetail.as_view(), name="programme-page-detail"),
    path("exercises/", api.ExerciseList.as_view(), name="exercise-list"),
    path("exercises/<uuid:exercise_id>/", api.ExerciseDetail.as_view(), name="exercise-detail"),
    path(_ws + "programme-progress/", api.ProgressList.as_view(), name="programme-progress"),
    path(
        _ws + "programme-progress/pages/<uuid:page_id>/",
        api.PageProgressUpdate.as_view(),
        name="page-progress",
    ),
    path(_ws + "enrolments/", api.EnrolmentCreate.as_view(), name="enrolment-create"),
    path(_ws + "exercise-answers/", api.AnswerList.as_view(), name="answer-list"),
    path(
        _ws + "exercise-answers/<uuid:exercise_id>/", api.AnswerSave.as_view(), name="answer-save"
    ),
    path(
        _ws + "exercise-answers/<uuid:answer_id>/feedback/",
        api.AnswerFeedbackCreate.as_view(),
        name="answer-feedback",
    ),
]
