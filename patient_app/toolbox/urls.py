from django.urls import path

from patient_app.toolbox import views

urlpatterns = [
    path("crisis-plan/", views.crisis_plan, name="crisis_plan"),
    path("crisis-plan/add/", views.crisis_item_add, name="crisis_item_add"),
    path("crisis-plan/<uuid:item_id>/edit/", views.crisis_item_edit, name="crisis_item_edit"),
    path("crisis-plan/<uuid:item_id>/remove/", views.crisis_item_remove, name="crisis_item_remove"),
    path(
        "crisis-plan/suggestions/<uuid:suggestion_id>/",
        views.crisis_suggestion_decide,
        name="crisis_suggestion_decide",
    ),
    path("check-in/", views.checkin_today, name="checkin_today"),
    path("check-ins/", views.checkin_history, name="checkin_history"),
    path("check-ins/trends/", views.checkin_trends, name="checkin_trends"),
    path("check-ins/<uuid:checkin_id>/privacy/", views.checkin_privacy, name="checkin_privacy"),
    path("network/", views.network, name="network"),
    path("network/<uuid:contact_id>/edit/", views.network_edit, name="network_edit"),
    path("network/<uuid:contact_id>/remove/", views.network_remove, name="network_remove"),
    path("journal/", views.journal, name="journal"),
    path("journal/<uuid:entry_id>/edit/", views.journal_edit, name="journal_edit"),
    path("journal/<uuid:entry_id>/remove/", views.journal_remove, name="journal_remove"),
]
