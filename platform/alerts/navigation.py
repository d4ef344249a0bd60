from django.utils.translation import gettext_lazy as _

CLINICIAN_NAV = [(20, "clinician:alert_list", _("Alerts"))]
