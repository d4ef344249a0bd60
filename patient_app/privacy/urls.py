from django.urls import path

from patient_app.privacy import views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/erase/", views.erase, name="erase"),
]
