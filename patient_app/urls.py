from django.urls import include, path

from patient_app import courses, offline, relatives, reminders, views

app_name = "patient"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("help/", views.help_page, name="help"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/", offline.offline_page, name="offline"),
    path("care-team/", views.care_team, name="care_team"),
    path("care-team/<uuid:membership_id>/accept/", views.care_team_accept, name="care_team_accept"),
    path("care-team/<uuid:membership_id>/end/", views.care_team_end, name="care_team_end"),
    path("care-team/<uuid:membership_id>/lead/", views.care_team_lead, name="care_team_lead"),
    path("care-team/<uuid:membership_id>/keep/", courses.care_team_keep, name="care_team_keep"),
    path("people-i-trust/", relatives.people, name="relatives"),
    path("people-i-trust/<uuid:access_id>/", relatives.update, name="relative_update"),
    path("people-i-trust/<uuid:access_id>/stop/", relatives.revoke, name="relative_revoke"),
    path("reminders/", reminders.reminders, name="reminders"),
    path("reminders/open/<str:token>/", reminders.reminder_open, name="reminder_open"),
    path("reminders/push/subscribe/", reminders.push_subscribe, name="push_subscribe"),
    path("reminders/push/unsubscribe/", reminders.push_unsubscribe, name="push_unsubscribe"),
    path("courses/", courses.courses, name="courses"),
    path("courses/end/", courses.course_end, name="course_end"),
    path("courses/<uuid:course_id>/", courses.course_detail, name="course_detail"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/<uuid:membership_id>/", views.sharing_update, name="sharing_update"),
    path("who-has-seen-my-data/", views.access_log, name="access_log"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("", include("patient_app.privacy.urls")),
    path("programme/", include("patient_app.programme.urls")),
    path("messages/", include("patient_app.messages.urls")),
    path("forum/", include("patient_app.forum.urls")),
    path("measures/", include("patient_app.measures.urls")),
    path("goals/", include("patient_app.goals.urls")),
    path("", include("patient_app.toolbox.urls")),
]
