from django.urls import path

from messaging import api

urlpatterns = [
    path("messaging/threads/", api.ThreadList.as_view(), name="message-threads"),
    path(
        "messaging/threads/<uuid:thread_id>/messages/",
        api.MessageList.as_view(),
        name="message-list",
    ),
    path(
        "messaging/threads/<uuid:thread_id>/edits/", api.MessageEdit.as_view(), name="message-edit"
    ),
    path(
        "messaging/threads/<uuid:thread_id>/removals/",
        api.MessageRemove.as_view(),
        name="message-remove",
    ),
    path(
        "messaging/threads/<uuid:thread_id>/attachments/<uuid:attachment_id>/",
        api.MessageAttachment.as_view(),
        name="message-attachment",
    ),
    path("messaging/threads/<uuid:thread_id>/read/", api.ThreadRead.as_view(), name="thread-read"),
    path(
        "messaging/workspaces/<uuid:workspace_id>/private-threads/",
        api.PrivateThreadOpen.as_view(),
        name="private-thread-open",
    ),
    path(
        "messaging/workspaces/<uuid:workspace_id>/agreements/",
        api.AgreementList.as_view(),
        name="agreement-list",
    ),
    path(
        "messaging/workspaces/<uuid:workspace_id>/agreements/acknowledge/",
        api.AgreementAcknowledge.as_view(),
        name="agreement-acknowledge",
    ),
]
