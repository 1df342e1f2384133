from django import template
from django.utils.html import format_html

from simportal.formatting import format_kronor, group_thousands

register = template.Library()


@register.filter
def kronor(value):
    """Render an amount as ``1 234 567 kr`` that never breaks across lines."""
    if value is None or value == "":
        return ""
    return format_html('<span class="text-nowrap">{}</span>', format_kronor(value))


@register.filter
def thousands(value):
    if value is None or value == "":
        return ""
    return group_thousands(value)


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number) -> str:
    """The current address with one query parameter (the page number) replaced."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
