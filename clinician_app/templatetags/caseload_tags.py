from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def caseload_query(context, **changes) -> str:
    """The current caseload query string with some parameters changed (for sort links)."""
    params = {"show": context.get("show", "all"), "sort": context.get("sort", "attention")}
    params.update({k: v for k, v in changes.items() if v})
    from django.utils.http import urlencode

    return "?" + urlencode(params)
