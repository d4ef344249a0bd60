from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Measures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Every definition and every translation is read and checked at start-up: a malformed
        # file stops the process here, never on a patient's screen.
        from measures.definitions import translations

        translations()
