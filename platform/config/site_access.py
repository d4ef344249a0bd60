"""Access rules for the site-wide routes defined in config/urls.py."""

from config.access import Audience, Rule
from config.help_pages import PAGES

ROUTES = {
    "home": Rule(Audience.AUTHENTICATED, ok={"GET": 302}, note="redirects to the user's own face"),
    "healthz": Rule(Audience.PUBLIC, note="content-free service health"),
    "api-schema": Rule(Audience.PUBLIC, note="the OpenAPI document describes no patient data"),
    "api-docs": Rule(Audience.PUBLIC),
    "favicon": Rule(Audience.PUBLIC, ok={"GET": 301}, note="redirects to the static SVG icon"),
    "manifest": Rule(Audience.PUBLIC, note="the app's name and icons: content only"),
    "help:index": Rule(Audience.PUBLIC, note="help and trust pages: content only"),
    **{
        f"help:{page.name}": Rule(Audience.PUBLIC, note="help page: content only") for page in PAGES
    },
    "design": Rule(Audience.PUBLIC, note="the component gallery: made-up content only"),
}
