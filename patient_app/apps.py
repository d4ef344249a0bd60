from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientAppConfig(AppConfig):
    name = "patient_app"
    verbose_name = _("Patient app")
    default_auto_field = "django.db.models.BigAutoField"
