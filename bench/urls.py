"""The product's URLconf plus the bare baseline views under ``/bench/`` (bench processes only)."""

from django.urls import path

from bench import views
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/caseload/", views.bare_caseload, name="bench-caseload"),
    path("bench/caseload.json", views.bare_caseload_json, name="bench-caseload-json"),
    path("bench/dashboard/", views.bare_dashboard, name="bench-dashboard"),
    path("bench/report.json", views.bare_report, name="bench-report"),
    *product_urlpatterns,
]
