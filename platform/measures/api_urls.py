from django.urls import path

from measures import api

_ws = "workspaces/<uuid:workspace_id>/measures"

urlpatterns = [
    path("measures/instruments/", api.InstrumentList.as_view(), name="measure-instrument-list"),
    path(f"{_ws}/responses/", api.ResponseList.as_view(), name="measure-response-list"),
    path(
        f"{_ws}/responses/<uuid:response_id>/",
        api.ResponseDetail.as_view(),
        name="measure-response-detail",
    ),
    path(
        f"{_ws}/responses/<uuid:response_id>/complete/",
        api.ResponseComplete.as_view(),
        name="measure-response-complete",
    ),
    path(f"{_ws}/trends/", api.TrendList.as_view(), name="measure-trend-list"),
    path(f"{_ws}/schedules/", api.ScheduleList.as_view(), name="measure-schedule-list"),
    path(f"{_ws}/reminders/", api.ReminderList.as_view(), name="measure-reminder-list"),
    path(f"{_ws}/fhir/", api.FhirExport.as_view(), name="measure-fhir"),
]
