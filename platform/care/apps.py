from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Care")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.languages import register_organisation_finder

        from .selectors import care_team_organisation

        register_organisation_finder(care_team_organisation)
