from django.urls import path

from clinician_app.messages import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("agreement/<uuid:workspace_id>/", views.agreement, name="message_agreement"),
    path("<uuid:thread_id>/", views.thread, name="message_thread"),
    path("<uuid:thread_id>/edit/", views.edit, name="message_thread_edit"),
    path("<uuid:thread_id>/remove/", views.remove, name="message_thread_remove"),
    path(
        "<uuid:thread_id>/attachments/<uuid:attachment_id>/",
        views.attachment,
        name="message_thread_attachment",
    ),
]
