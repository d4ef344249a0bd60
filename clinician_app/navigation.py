from django.utils.translation import gettext_lazy as _

CLINICIAN_NAV = [
    (10, "clinician:caseload", _("Caseload")),
    (90, "clinician:invite", _("Invite a patient")),
]
