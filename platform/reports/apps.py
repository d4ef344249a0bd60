from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Small-count suppression and charts for aggregate reports (no models, no pages)."""

    name = "reports"
    verbose_name = _("Reports")
