from django.urls import path

from relative_app import views

app_name = "relative"

urlpatterns = [
    path("", views.home, name="home"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<uuid:workspace_id>/crisis-plan/", views.crisis_plan, name="crisis_plan"),
    path("<uuid:workspace_id>/crisis-plan/suggest/", views.suggest, name="suggest"),
]
