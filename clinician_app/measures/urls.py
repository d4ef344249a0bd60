from django.urls import path

from clinician_app.measures import views

urlpatterns = [
    path("<uuid:workspace_id>/measures/", views.measures, name="measures"),
    path("<uuid:workspace_id>/measures/schedule/", views.schedule, name="measures_schedule"),
]
