from django.urls import path

from clinician_app.forum import views

urlpatterns = [
    path("", views.queue, name="forum_queue"),
    path("posts/<uuid:post_id>/", views.post, name="forum_post"),
    path("posts/<uuid:post_id>/concern/", views.concern, name="forum_concern"),
    path("posts/<uuid:post_id>/edit/", views.post_edit, name="forum_post_edit"),
    path(
        "profile-reports/<uuid:report_id>/handled/",
        views.profile_report_handled,
        name="forum_profile_report_handled",
    ),
    path("topics/<uuid:topic_id>/", views.topic_action, name="forum_topic_action"),
    path("members/<uuid:member_id>/", views.member, name="forum_member"),
    path("members/<uuid:member_id>/lookup/", views.lookup, name="forum_lookup"),
    path("members/<uuid:member_id>/role/", views.member_kind, name="forum_member_kind"),
    path("spaces/", views.spaces, name="forum_spaces"),
    path("spaces/programme/", views.programme_space, name="forum_programme_space"),
    path("spaces/<slug:slug>/", views.space_edit, name="forum_space_edit"),
    path("take-part/", views.take_part, name="forum_take_part"),
    path("read/", views.browse, name="forum_browse"),
    path("read/<uuid:topic_id>/", views.thread, name="forum_thread"),
    path("read/spaces/<slug:slug>/new/", views.topic_new, name="forum_topic_new"),
]
