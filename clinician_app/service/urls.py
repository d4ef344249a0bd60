from django.urls import path

from clinician_app.service import views

urlpatterns = [
    path("", views.service_report, name="service_report"),
    path("report.csv", views.service_report_csv, name="service_report_csv"),
]
