from django.urls import path

from clinician_app.cover import api

urlpatterns = [path("care/covers/", api.CoverList.as_view(), name="cover-list")]
