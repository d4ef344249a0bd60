from django.urls import path

from clinician_app.cover import views

urlpatterns = [
    path("cover/", views.cover_list, name="covers"),
    path("cover/<uuid:cover_id>/cancel/", views.cover_cancel, name="cover_cancel"),
]
