from django.urls import path

from clinician_app.programme import views

urlpatterns = [
    path(
        "patients/<uuid:workspace_id>/programme/prescribe/",
        views.prescribe,
        name="programme_prescribe",
    ),
    path(
        "patients/<uuid:workspace_id>/programme/answers/",
        views.answers,
        name="programme_answers",
    ),
    path(
        "patients/<uuid:workspace_id>/programme/answers/<uuid:answer_id>/feedback/",
        views.feedback,
        name="programme_answer_feedback",
    ),
]
