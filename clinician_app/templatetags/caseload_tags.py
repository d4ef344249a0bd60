from uuid import UUID

from django import template
from django.urls import reverse

register = template.Library()
_ID = str(UUID(int=0))  # stands for a row's workspace id in the link reversed once


@register.simple_tag(takes_context=True)
def patient_url(context, workspace_id) -> str:
    """``{% url 'clinician:patient_overview' workspace_id %}`` for a page of rows: the link is
    reversed once per page and only the id changes from row to row."""
    link = context.render_context.get("patient_url")
    if link is None:
        link = reverse("clinician:patient_overview", args=[_ID])
        context.render_context["patient_url"] = link
    return link.replace(_ID, str(workspace_id))


@register.simple_tag(takes_context=True)
def caseload_query(context, **changes) -> str:
    """The current caseload query string with some parameters changed (sort and page links).
    The page is kept only when given: a new order or filter starts at page 1."""
    params = {"show": context.get("show", "all"), "sort": context.get("sort", "attention")}
    params.update({k: v for k, v in changes.items() if v})
    from django.utils.http import urlencode

    return "?" + urlencode(params)


@register.filter
def iso_date(value):
    """A column value's ISO day (``"2026-12-06"``, as the API gives it) as a date, for the
    ``date`` filter to word in the person's language; anything else is left as it is."""
    from datetime import date

    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
