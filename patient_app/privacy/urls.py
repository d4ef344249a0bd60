from django.urls import path

from patient_app.privacy import views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/prepare/", views.my_data_prepare, name="my_data_prepare"),
    path("my-data/downloads/<uuid:export_id>/", views.my_data_download, name="my_data_download"),
    path("my-data/erase/", views.erase, name="erase"),
]
