from django.urls import path

from clinician_app.alerts import api

urlpatterns = [
    path("caseload/", api.CaseloadView.as_view(), name="caseload"),
    path("alerts/", api.AlertList.as_view(), name="alert-list"),
    path("alerts/<uuid:alert_id>/", api.AlertDetail.as_view(), name="alert-detail"),
    path(
        "alerts/<uuid:alert_id>/acknowledge/",
        api.AlertAcknowledge.as_view(),
        name="alert-acknowledge",
    ),
    path("alerts/<uuid:alert_id>/resolve/", api.AlertResolve.as_view(), name="alert-resolve"),
    path("workspaces/<uuid:workspace_id>/cadence/", api.CadenceView.as_view(), name="cadence"),
    path("workspaces/<uuid:workspace_id>/reviews/", api.ReviewList.as_view(), name="review-list"),
]
