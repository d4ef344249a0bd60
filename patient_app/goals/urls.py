"""Included under ``me/goals/`` in the ``patient`` namespace (no app_name here on purpose)."""

from django.urls import path

from patient_app.goals import views

urlpatterns = [
    path("", views.goal_list, name="goal_list"),
    path("new/", views.goal_ladder_create, name="goal_ladder_create"),
    path("<uuid:ladder_id>/", views.goal_ladder, name="goal_ladder"),
    path("<uuid:ladder_id>/edit/", views.goal_ladder_edit, name="goal_ladder_edit"),
    path("<uuid:ladder_id>/archive/", views.goal_ladder_archive, name="goal_ladder_archive"),
    path("<uuid:ladder_id>/steps/", views.goal_step_add, name="goal_step_add"),
    path("<uuid:ladder_id>/comments/", views.goal_comment_add, name="goal_comment_add"),
    path("<uuid:ladder_id>/history/", views.goal_history, name="goal_history"),
    path("steps/<uuid:step_id>/edit/", views.goal_step_edit, name="goal_step_edit"),
    path("steps/<uuid:step_id>/reflect/", views.goal_step_reflect, name="goal_step_reflect"),
    path("steps/<uuid:step_id>/state/", views.goal_step_state, name="goal_step_state"),
    path("steps/<uuid:step_id>/move/", views.goal_step_move, name="goal_step_move"),
    path("steps/<uuid:step_id>/habit/", views.goal_step_habit, name="goal_step_habit"),
    path("proposals/<uuid:proposal_id>/", views.goal_proposal, name="goal_proposal"),
    path("habits/", views.habit_list, name="habit_list"),
    path("habits/<uuid:habit_id>/", views.habit_detail, name="habit_detail"),
    path("habits/<uuid:habit_id>/check/", views.habit_check, name="habit_check"),
    path("habits/<uuid:habit_id>/archive/", views.habit_archive, name="habit_archive"),
]
