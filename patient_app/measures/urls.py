from django.urls import path

from patient_app.measures import views

urlpatterns = [
    path("", views.overview, name="measures"),
    path("start/", views.start, name="measure_start"),
    path("responses/<uuid:response_id>/", views.response_page, name="measure_response"),
    path("support/", views.support, name="measures_support"),
    path("personal/", views.personal, name="measures_personal"),
    path("r/<str:token>/", views.reminder_open, name="measures_reminder_open"),
]
