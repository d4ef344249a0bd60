from django.urls import path

from clinician_app.toolbox import views

urlpatterns = [
    path("patients/<uuid:workspace_id>/crisis-plan/", views.crisis_plan, name="crisis_plan"),
    path("patients/<uuid:workspace_id>/check-ins/", views.checkins, name="checkins"),
    path("patients/<uuid:workspace_id>/network/", views.network, name="network"),
    path("patients/<uuid:workspace_id>/journal/", views.journal, name="journal"),
]
