from django.urls import path

from clinician_app.guidance import views

urlpatterns = [
    path("guidance/", views.report, name="guidance_report"),
    path("guidance/report.csv", views.report_csv, name="guidance_report_csv"),
    path("patients/<uuid:workspace_id>/guidance/", views.patient_entries, name="guidance_patient"),
]
