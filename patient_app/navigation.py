from django.utils.translation import gettext_lazy as _

PATIENT_NAV = [
    (10, "patient:dashboard", _("My programme")),
    (80, "patient:care_team", _("My care team")),
    (85, "patient:sharing", _("Sharing")),
    (90, "patient:access_log", _("Who has seen my data")),
    (95, "patient:my_data", _("My data")),
]
