from django.urls import path

from patient_app.programme import views

urlpatterns = [
    path("", views.overview, name="programme_overview"),
    path("continue/", views.resume, name="programme_continue"),
    path("<uuid:programme_id>/start/", views.start, name="programme_start"),
    path("enrolments/<uuid:enrolment_id>/pause/", views.pause, name="programme_pause"),
    path("modules/<uuid:module_id>/", views.module, name="programme_module"),
    path("modules/<uuid:module_id>/try-this-week/", views.try_this_week, name="programme_try"),
    path("pages/<uuid:page_id>/", views.page, name="programme_page"),
    path("exercises/", views.library, name="exercise_library"),
    path("exercises/<uuid:exercise_id>/", views.exercise, name="exercise_detail"),
    path("takeaways/", views.takeaways, name="programme_takeaways"),
]
