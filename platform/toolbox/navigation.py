from django.utils.translation import gettext_lazy as _

# "My crisis plan" is not here: it sits in the page header for every patient page (base.html).
PATIENT_NAV = [
    (30, "patient:checkin_today", _("Check-in")),
    (50, "patient:network", _("My network")),
    (60, "patient:journal", _("My journal")),
]
