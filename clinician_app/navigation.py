from django.utils.translation import gettext_lazy as _

CLINICIAN_NAV = [
    (10, "clinician:caseload", _("Caseload")),
    (90, "clinician:invite", _("Invite a patient")),
]

# The organisation's duty contact sees only the alerts that reached them.
DUTY_NAV = [(10, "clinician:duty", _("Duty alerts"))]
