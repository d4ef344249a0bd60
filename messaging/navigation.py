from django.utils.translation import gettext_lazy as _

PATIENT_NAV = [(40, "patient:message_threads", _("Messages"))]
CLINICIAN_NAV = [(20, "clinician:inbox", _("Inbox"))]
