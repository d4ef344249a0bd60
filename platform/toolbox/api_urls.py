from django.urls import path

from toolbox import api

_ws = "workspaces/<uuid:workspace_id>/"

urlpatterns = [
    path(f"{_ws}checkins/", api.CheckInList.as_view(), name="checkin-list"),
    path(f"{_ws}checkins/save/", api.CheckInSave.as_view(), name="checkin-save"),
    path(
        f"{_ws}checkins/<uuid:checkin_id>/privacy/",
        api.CheckInPrivacy.as_view(),
        name="checkin-privacy",
    ),
    path(f"{_ws}crisis-plan/", api.CrisisPlanDetail.as_view(), name="crisis-plan"),
    path(f"{_ws}crisis-plan/items/", api.CrisisItemCreate.as_view(), name="crisis-item-list"),
    path(
        f"{_ws}crisis-plan/items/<uuid:item_id>/",
        api.CrisisItemDetail.as_view(),
        name="crisis-item-detail",
    ),
    path(
        f"{_ws}crisis-plan/suggestions/",
        api.CrisisSuggestionCreate.as_view(),
        name="crisis-suggestion-list",
    ),
    path(
        f"{_ws}crisis-plan/suggestions/<uuid:suggestion_id>/decision/",
        api.CrisisSuggestionDecide.as_view(),
        name="crisis-suggestion-decision",
    ),
    path(f"{_ws}network/", api.NetworkList.as_view(), name="network-list"),
    path(
        f"{_ws}network/contacts/", api.NetworkContactCreate.as_view(), name="network-contact-list"
    ),
    path(
        f"{_ws}network/contacts/<uuid:contact_id>/",
        api.NetworkContactDetail.as_view(),
        name="network-contact-detail",
    ),
    path(f"{_ws}journal/", api.JournalList.as_view(), name="journal-list"),
    path(f"{_ws}journal/entries/", api.JournalEntryCreate.as_view(), name="journal-entry-list"),
    path(
        f"{_ws}journal/entries/<uuid:entry_id>/",
        api.JournalEntryDetail.as_view(),
        name="journal-entry-detail",
    ),
]
