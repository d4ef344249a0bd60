from django.utils.translation import gettext_lazy as _

PATIENT_NAV = [
    (20, "patient:programme_overview", _("Programme overview")),
    (30, "patient:exercise_library", _("Exercise library")),
    (40, "patient:programme_takeaways", _("My takeaways")),
]
