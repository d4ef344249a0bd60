from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from content import translations
        from content.models import Exercise, Module, Page, Programme

        translations.connect(Programme, Module, Page, Exercise)
