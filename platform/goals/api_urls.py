from django.urls import path

from goals import api

_ws = "workspaces/<uuid:workspace_id>/"

urlpatterns = [
    path(f"{_ws}goals/ladders/", api.LadderList.as_view(), name="goal-ladder-list"),
    path(
        f"{_ws}goals/ladders/<uuid:ladder_id>/",
        api.LadderDetail.as_view(),
        name="goal-ladder-detail",
    ),
    path(
        f"{_ws}goals/ladders/<uuid:ladder_id>/steps/",
        api.StepList.as_view(),
        name="goal-step-list",
    ),
    path(
        f"{_ws}goals/ladders/<uuid:ladder_id>/steps/order/",
        api.StepOrder.as_view(),
        name="goal-step-order",
    ),
    path(
        f"{_ws}goals/ladders/<uuid:ladder_id>/comments/",
        api.CommentList.as_view(),
        name="goal-comment-list",
    ),
    path(
        f"{_ws}goals/ladders/<uuid:ladder_id>/history/",
        api.HistoryList.as_view(),
        name="goal-history",
    ),
    path(f"{_ws}goals/steps/<uuid:step_id>/", api.StepDetail.as_view(), name="goal-step-detail"),
    path(f"{_ws}goals/proposals/", api.ProposalList.as_view(), name="goal-proposal-list"),
    path(
        f"{_ws}goals/proposals/<uuid:proposal_id>/",
        api.ProposalDetail.as_view(),
        name="goal-proposal-detail",
    ),
    path(
        f"{_ws}goals/proposals/<uuid:proposal_id>/answer/",
        api.ProposalAnswer.as_view(),
        name="goal-proposal-answer",
    ),
    path(f"{_ws}habits/", api.HabitList.as_view(), name="habit-list"),
    path(f"{_ws}habits/<uuid:habit_id>/", api.HabitDetail.as_view(), name="habit-detail"),
    path(
        f"{_ws}habits/<uuid:habit_id>/checks/",
        api.CheckList.as_view(),
        name="habit-check-list",
    ),
]
