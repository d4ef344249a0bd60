from django.utils.translation import gettext_lazy as _

CLINICIAN_NAV = [(80, "clinician:covers", _("Cover"))]
