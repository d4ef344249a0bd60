from django.urls import path

from patient_app.forum import views

urlpatterns = [
    path("", views.home, name="forum_home"),
    path("join/", views.join, name="forum_join"),
    path("settings/", views.settings_page, name="forum_settings"),
    path("appeal/", views.appeal, name="forum_appeal"),
    path("spaces/<slug:slug>/", views.space, name="forum_space"),
    path("topics/<uuid:topic_id>/", views.topic, name="forum_topic"),
    path("posts/<uuid:post_id>/report/", views.report, name="forum_report"),
    path("members/<uuid:member_id>/report/", views.profile_report, name="forum_profile_report"),
    path("posts/<uuid:post_id>/helped/", views.helped, name="forum_helped"),
    path("posts/<uuid:post_id>/held/", views.held, name="forum_held"),
    path("posts/<uuid:post_id>/peer-hide/", views.peer_hide, name="forum_peer_hide"),
]
