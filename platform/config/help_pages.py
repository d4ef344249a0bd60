"""Help and trust pages: the accessibility statement, the privacy notice and a help page per
area. Public (signed in or not), content only: no patient data, nothing logged.

Each page is a template under ``templates/help/``; one list names them all, so the URLs, the
access table and the index are made from the same place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET


@dataclass(frozen=True)
class HelpPage:
    name: str  # URL name in the "help" namespace, and the template's file name
    route: str
    title: Promise
    audience: str  # "everyone", "patients" or "clinicians": where the index lists it


PAGES = [
    HelpPage("getting_started", "getting-started/", _("Getting started"), "patients"),
    HelpPage("programme", "programme/", _("The programme"), "patients"),
    HelpPage("tools", "tools/", _("Your tools"), "patients"),
    HelpPage("messages", "messages/", _("Messages with your care team"), "patients"),
    HelpPage("sharing", "sharing/", _("Sharing and privacy"), "patients"),
    HelpPage("caseload", "clinicians/caseload/", _("Your caseload"), "clinicians"),
    HelpPage("alerts", "clinicians/alerts/", _("Alerts"), "clinicians"),
    HelpPage("cover", "clinicians/cover/", _("Cover while you are away"), "clinicians"),
    HelpPage("accessibility", "accessibility/", _("Accessibility statement"), "everyone"),
    HelpPage("privacy", "privacy/", _("Privacy notice"), "everyone"),
]


def _view(page: HelpPage):
    @require_GET
    def view(request):
        return render(request, f"help/{page.name}.html", {"page": page, "pages": PAGES})

    view.__name__ = f"help_{page.name}"
    return view


@require_GET
def index(request):
    return render(request, "help/index.html", {"pages": PAGES})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the SVG."""
    return redirect(static("favicon.svg"), permanent=True)


def manifest(request):
    """The web app manifest of the patient's app (docs/phone-app.md): a phone can install it
    to the home screen. Names in the reader's language; content only, no person."""
    data = {
        "name": _("Guided Care"),
        "short_name": _("Guided Care"),
        "description": _("Your self-help programme, your tools and your care team."),
        "lang": translation.get_language(),
        "start_url": reverse("patient:dashboard"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#faf6ef",
        "theme_color": "#174542",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse({k: str(v) if not isinstance(v, list) else v for k, v in data.items()})
    response["Content-Type"] = "application/manifest+json"
    return response


app_name = "help"
urlpatterns = [path("", index, name="index")] + [
    path(page.route, _view(page), name=page.name) for page in PAGES
]
