"""Walks every HTTP URL pattern (Django and DRF) of the project."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def iter_named_routes(resolver=None, namespace: str = "", prefix: str = ""):
    """Yield (full_name or None, route string) for every URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from iter_named_routes(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, prefix + str(entry.pattern)
