"""One way for every destructive page action to ask first, without JavaScript.

A destructive view calls ``confirmation_page`` once it has fetched (and authorized) its object.
Unless the POST carries ``confirm=yes`` it answers with the shared confirmation page, which
says what will happen and posts the same fields back with ``confirm=yes``; the view acts only
then. ``tests/core/test_confirmations.py`` walks every route that uses it and scans templates
for destructive buttons that do not (docs/confirmations.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"
# Fields of the first POST that are not carried over to the confirmation form.
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: Sequence[str],
    confirm_label: str,
    back_url: str,
) -> HttpResponse | None:
    """``None`` when the request is a confirmed POST (the view goes on and acts); otherwise the
    page that asks, saying each of ``consequences`` in plain words. Nothing is changed here."""
    if is_confirmed(request):
        return None
    carried = [
        (key, value)
        for key in request.POST
        if key not in _NOT_CARRIED
        for value in request.POST.getlist(key)
    ]
    return render(
        request,
        "includes/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "confirm_label": confirm_label,
            "back_url": back_url,
            "carried": carried,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
        },
    )
