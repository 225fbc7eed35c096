"""Template helpers used across Rostra's pages."""

from django import template
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.timezone import localtime

from rostra.core.app_settings import app_settings
from rostra.core.markup import web_address as _web_address

register = template.Library()


@register.filter
def get(mapping, key):
    """`mapping[key]`, or None: `{{ my_votes|get:comment.pk }}`."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def web_address(value):
    """An author's website as a link target: http(s) only, else empty (no link)."""
    return _web_address(value)


@register.filter
def shown_time(value):
    """A time as the site shows it (ROSTRA_DATE_FORMAT, in the active time zone)."""
    if not value:
        return ""
    return format_date(localtime(value), app_settings.DATE_FORMAT)


@register.filter
def iso_time(value):
    return localtime(value).isoformat(timespec="seconds") if value else ""


@register.simple_tag(takes_context=True)
def comment_href(context, comment_id):
    """Where a comment's links point: Rostra's permalink, or the host page's anchor inside an embed."""
    if context.get("embed"):
        return f"{context['host_url']}#c{comment_id}"
    return reverse("discussion:permalink", kwargs={"comment_id": comment_id})
