from django.utils.translation import gettext_lazy as _

CLINICIAN_NAV = [(70, "clinician:guidance_report", _("Guidance time"))]
