"""The shape of a face's menu: places, each with its pages and sub-items.

A face (``patient_app``, ``clinician_app``) declares its own menu in one module with these
classes and offers it to its templates through a context processor. Nothing here names a page:
the core knows no page, and no domain registers itself into a face.

A page belongs to a place when its URL name (``namespace:name``) matches one of the place's
patterns (``fnmatch`` style: ``"patient:goal_*"``). The first place that claims a page is its
current place, so every page inside a place marks that place, not only the place's own page.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.urls import reverse


@dataclass(frozen=True)
class Link:
    """A sub-item of a place: a link to ``url_name``, current on any page matching ``pages``."""

    label: str
    url_name: str
    pages: tuple[str, ...] = ()

    def owns(self, view_name: str) -> bool:
        return any(fnmatchcase(view_name, p) for p in (self.url_name, *self.pages))


@dataclass(frozen=True)
class Place:
    """A primary place of a face. It owns its own page, its items' pages and ``pages``."""

    key: str
    label: str
    url_name: str
    items: tuple[Link, ...] = ()
    pages: tuple[str, ...] = ()

    def owns(self, view_name: str) -> bool:
        if any(fnmatchcase(view_name, p) for p in (self.url_name, *self.pages)):
            return True
        return any(item.owns(view_name) for item in self.items)


@dataclass(frozen=True)
class Menu:
    places: tuple[Place, ...]

    def current(self, view_name: str) -> Place | None:
        return next((place for place in self.places if place.owns(view_name)), None)

    def url_names(self) -> list[str]:
        """Every URL name the menu links to (places first, then their items)."""
        names = [place.url_name for place in self.places]
        names += [item.url_name for place in self.places for item in place.items]
        return names


def menu_context(request, menu: Menu) -> dict:
    """``{"menu": ...}`` for base.html: the places, the current one and its sub-items.

    Promises exactly one current place on every page the menu claims, none elsewhere (an error
    page, a page of another face)."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    current = menu.current(view_name) if view_name else None
    places = [
        {
            "key": place.key,
            "label": place.label,
            "href": reverse(place.url_name),
            "current": place is current,
        }
        for place in menu.places
    ]
    items = []
    if current is not None:
        # An item's own page wins over another item's wider pattern.
        current_item = next((i for i in current.items if i.url_name == view_name), None)
        current_item = current_item or next((i for i in current.items if i.owns(view_name)), None)
        items = [
            {"label": i.label, "href": reverse(i.url_name), "current": i is current_item}
            for i in current.items
        ]
    return {
        "menu": {
            "places": places,
            "current": next((p for p in places if p["current"]), None),
            "items": items,
        }
    }
