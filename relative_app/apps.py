from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelativeAppConfig(AppConfig):
    """The small face of a relative or trusted person (docs/relatives.md)."""

    name = "relative_app"
    verbose_name = _("Relative app")
    default_auto_field = "django.db.models.BigAutoField"
