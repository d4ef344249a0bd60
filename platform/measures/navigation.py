from django.utils.translation import gettext_lazy as _

PATIENT_NAV = [(40, "patient:measures", _("Questionnaires"))]
