from django.urls import path

from relative_app import views

app_name = "relative"

urlpatterns = [
    path("", views.home, name="home"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<uuid:workspace_id>/crisis-plan/", views.crisis_plan, name="crisis_plan"),
    path("<uuid:workspace_id>/crisis-plan/suggest/", views.suggest, name="suggest"),
    path("<uuid:workspace_id>/goals/", views.goals, name="goals"),
    path("<uuid:workspace_id>/habits/", views.habits, name="habits"),
    path("<uuid:workspace_id>/check-ins/", views.checkins, name="checkins"),
    path("<uuid:workspace_id>/journal/", views.journal, name="journal"),
]
