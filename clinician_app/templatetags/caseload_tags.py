from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def caseload_query(context, **changes) -> str:
    """The current caseload query string with some parameters changed (sort and page links).
    The page is kept only when given: a new order or filter starts at page 1."""
    params = {"show": context.get("show", "all"), "sort": context.get("sort", "attention")}
    params.update({k: v for k, v in changes.items() if v})
    from django.utils.http import urlencode

    return "?" + urlencode(params)
