"""Cards on the patient's dashboard, contributed by each capability.

An app declares ``DASHBOARD_CARDS`` in its ``dashboard.py``: a list of
``(order, template, context)`` or ``(order, template, context, region)`` where
``context(request, workspace) -> dict`` and ``region`` is one of ``REGIONS``:

* ``"main"`` (the default): the middle column, the next step and progress;
* ``"tools"``: the right column, the programme's core tools (goal ladder, the chain);
* ``"side"``: the left column, under the menu.

The dashboard renders each region's cards in order; each card's template gets its context as
``card``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from config.discovery import app_modules

REGIONS = ("main", "tools", "side")
DEFAULT_REGION = "main"


@dataclass(frozen=True)
class CardEntry:
    order: int
    template: str
    context: Callable
    region: str = DEFAULT_REGION

    @classmethod
    def from_declaration(cls, entry) -> CardEntry:
        card = entry if isinstance(entry, cls) else cls(*entry)
        if card.region not in REGIONS:
            raise ValueError(f"dashboard card {card.template}: unknown region {card.region!r}")
        return card


def card_entries() -> list[CardEntry]:
    entries = []
    for _app, module in app_modules("dashboard"):
        entries.extend(
            CardEntry.from_declaration(entry) for entry in getattr(module, "DASHBOARD_CARDS", [])
        )
    return sorted(entries, key=lambda entry: (entry.order, entry.template))


def dashboard_cards(request, workspace) -> list[dict]:
    """Every card, in order, with its region."""
    return [
        {
            "template": entry.template,
            "region": entry.region,
            "context": entry.context(request, workspace),
        }
        for entry in card_entries()
    ]


def dashboard_regions(request, workspace) -> dict[str, list[dict]]:
    """Region name -> its cards in order (every region present, possibly empty)."""
    regions: dict[str, list[dict]] = {region: [] for region in REGIONS}
    for card in dashboard_cards(request, workspace):
        regions[card["region"]].append(card)
    return regions
