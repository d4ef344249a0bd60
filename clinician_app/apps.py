from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicianAppConfig(AppConfig):
    name = "clinician_app"
    verbose_name = _("Clinician app")
    default_auto_field = "django.db.models.BigAutoField"
