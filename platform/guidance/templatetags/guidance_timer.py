from django import template
from django.utils.html import format_html

from guidance import timer

register = template.Library()


@register.simple_tag(takes_context=True)
def guidance_timer(context):
    """A hidden field with the signed moment this form was first shown (guidance time)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', timer.FIELD, timer.current_token(request)
    )
