from django.urls import path

from clinician_app.cover import api

urlpatterns = [
    path("care/covers/", api.CoverList.as_view(), name="cover-list"),
    path("care/covers/<uuid:cover_id>/", api.CoverDetail.as_view(), name="cover-detail"),
]
