"""Access rules for the site-wide routes defined in config/urls.py."""

from config.access import Audience, Rule

ROUTES = {
    "home": Rule(Audience.AUTHENTICATED, ok={"GET": 302}, note="redirects to the user's own face"),
    "healthz": Rule(Audience.PUBLIC, note="content-free service health"),
    "api-schema": Rule(Audience.PUBLIC, note="the OpenAPI document describes no patient data"),
    "api-docs": Rule(Audience.PUBLIC),
    "design": Rule(Audience.PUBLIC, note="the component gallery: made-up content only"),
}
