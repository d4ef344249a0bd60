from django.urls import path

from patient_app.messages import views

urlpatterns = [
    path("", views.threads, name="message_threads"),
    path("private/", views.private_open, name="message_private_open"),
    path("agreements/acknowledge/", views.agreement_acknowledge, name="message_agreement_ack"),
    path("<uuid:thread_id>/", views.thread, name="message_thread"),
    path("<uuid:thread_id>/edit/", views.edit, name="message_thread_edit"),
    path("<uuid:thread_id>/remove/", views.remove, name="message_thread_remove"),
    path(
        "<uuid:thread_id>/attachments/<uuid:attachment_id>/",
        views.attachment,
        name="message_thread_attachment",
    ),
]
