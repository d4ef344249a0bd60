"""Panels of the patient overview, one per shared section.

A capability that owns a section registers a panel in its app's ``overview_panels.py``
(discovered at start-up). A panel gets the workspace (already authorized and logged for that
section) and returns the template context for its ``template``. Sections without a panel show a
neutral "nothing recorded yet" card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from care.sections import Section


@dataclass(frozen=True)
class Panel:
    section: Section
    template: str
    context: Callable  # (request, workspace) -> dict


_registry: dict[Section, Panel] = {}


def register(panel: Panel) -> None:
    _registry[panel.section] = panel


def panel_for(section: Section) -> Panel | None:
    return _registry.get(section)


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("overview_panels")
