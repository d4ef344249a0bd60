"""Find an optional module (``access``, ``data_rights``, ``demo`` ...) in every
project app, so that a capability plugs into the platform from its own folder."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.conf import settings

PROJECT_APPS = (
    "records",
    "accounts",
    "care",
    "goals",
    "measures",
    "toolbox",
    "alerts",
    "guidance",
    "reports",
    "jobs",
    "reminders",
    "content",
    "messaging",
    "forum",
    "patient_app",
    "clinician_app",
    "relative_app",
)


def app_modules(module_name: str) -> list[tuple[str, ModuleType]]:
    """(app label, module) for each installed project app that has ``<app>.<module_name>``."""
    found = []
    for app in settings.INSTALLED_APPS:
        if app not in PROJECT_APPS:
            continue
        try:
            found.append((app, import_module(f"{app}.{module_name}")))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{module_name}":
                raise
    return found
