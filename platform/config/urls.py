from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import design, help_pages, views

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("care.api_urls")),
    path("", include("content.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("measures.api_urls")),
    path("", include("clinician_app.alerts.api_urls")),
    path("", include("clinician_app.cover.api_urls")),
    path("", include("goals.api_urls")),
    path("", include("toolbox.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", help_pages.favicon, name="favicon"),
    path("manifest.webmanifest", help_pages.manifest, name="manifest"),
    path("help/", include("config.help_pages")),
    path("design/", design.gallery, name="design"),
    path("accounts/", include("accounts.urls")),
    path("me/", include("patient_app.urls")),
    path("clinic/", include("clinician_app.urls")),
    path("shared-with-me/", include("relative_app.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = "config.views.not_found"
