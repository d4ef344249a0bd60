from django.urls import path

from care import api

urlpatterns = [
    path("workspaces/", api.WorkspaceList.as_view(), name="workspace-list"),
    path("workspaces/<uuid:workspace_id>/", api.WorkspaceDetail.as_view(), name="workspace-detail"),
    path("workspaces/<uuid:workspace_id>/members/", api.MemberList.as_view(), name="member-list"),
    path(
        "workspaces/<uuid:workspace_id>/members/<uuid:membership_id>/",
        api.MemberDetail.as_view(),
        name="member-detail",
    ),
    path(
        "workspaces/<uuid:workspace_id>/members/<uuid:membership_id>/sharing/",
        api.MemberSharing.as_view(),
        name="member-sharing",
    ),
    path(
        "workspaces/<uuid:workspace_id>/access-log/", api.AccessLogList.as_view(), name="access-log"
    ),
]
