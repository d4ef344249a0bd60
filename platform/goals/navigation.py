from django.utils.translation import gettext_lazy as _

PATIENT_NAV = [
    (40, "patient:goal_list", _("My goals")),
    (45, "patient:habit_list", _("My habits")),
]
