"""Included under ``clinic/patients/<workspace_id>/goals/`` in the ``clinician`` namespace."""

from django.urls import path

from clinician_app.goals import views

urlpatterns = [
    path("", views.goal_list, name="goal_list"),
    path("propose/", views.goal_propose_ladder, name="goal_propose_ladder"),
    path("habits/", views.habit_list, name="habit_list"),
    path("<uuid:ladder_id>/", views.goal_ladder, name="goal_ladder"),
    path("<uuid:ladder_id>/propose-step/", views.goal_propose_step, name="goal_propose_step"),
    path(
        "<uuid:ladder_id>/propose-edit/",
        views.goal_propose_ladder_edit,
        name="goal_propose_ladder_edit",
    ),
    path("<uuid:ladder_id>/comments/", views.goal_comment_add, name="goal_comment_add"),
    path("<uuid:ladder_id>/history/", views.goal_history, name="goal_history"),
    path(
        "steps/<uuid:step_id>/propose-edit/",
        views.goal_propose_step_edit,
        name="goal_propose_step_edit",
    ),
    path(
        "proposals/<uuid:proposal_id>/withdraw/",
        views.goal_proposal_withdraw,
        name="goal_proposal_withdraw",
    ),
]
