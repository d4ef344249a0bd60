from django.urls import path

from clinician_app.alerts import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<uuid:alert_id>/", views.alert_detail, name="alert_detail"),
    path("duty/", views.duty, name="duty"),
    path("alerts/<uuid:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<uuid:alert_id>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("patients/<uuid:workspace_id>/cadence/", views.cadence_edit, name="cadence_edit"),
    path("patients/<uuid:workspace_id>/review/", views.review_new, name="review_new"),
]
