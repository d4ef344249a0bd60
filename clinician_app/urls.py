from django.urls import include, path

from clinician_app import courses, summary, views

app_name = "clinician"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("invite/", views.invite, name="invite"),
    path("patients/<uuid:workspace_id>/", views.patient_overview, name="patient_overview"),
    path("patients/<uuid:workspace_id>/discharge/", courses.discharge, name="course_discharge"),
    path("", include("clinician_app.programme.urls")),
    path("messages/", include("clinician_app.messages.urls")),
    path("patients/", include("clinician_app.measures.urls")),
    path("", include("clinician_app.alerts.urls")),
    path("patients/<uuid:workspace_id>/goals/", include("clinician_app.goals.urls")),
    path("", include("clinician_app.toolbox.urls")),
    path("", include("clinician_app.cover.urls")),
    path("", include("clinician_app.guidance.urls")),
    path("forum/", include("clinician_app.forum.urls")),
    path("service/", include("clinician_app.service.urls")),
    path("patients/<uuid:workspace_id>/summary/", summary.patient_summary, name="patient_summary"),
]
