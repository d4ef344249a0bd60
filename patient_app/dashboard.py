"""Cards on the patient's dashboard, contributed by each capability.

An app declares ``DASHBOARD_CARDS`` in its ``dashboard.py``: a list of
``(order, template, context)`` where ``context(request, workspace) -> dict``. The dashboard
renders them in order; each card's template gets its context as ``card``.
"""

from __future__ import annotations

from config.discovery import app_modules


def dashboard_cards(request, workspace) -> list[dict]:
    entries = []
    for _app, module in app_modules("dashboard"):
        entries.extend(getattr(module, "DASHBOARD_CARDS", []))
    return [
        {"template": template, "context": context(request, workspace)}
        for _order, template, context in sorted(entries, key=lambda entry: entry[0])
    ]
