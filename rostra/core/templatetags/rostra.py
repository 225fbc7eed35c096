"""Template helpers used across Rostra's pages."""

from django import template
from django.utils.dateformat import format as format_date
from django.utils.timezone import localtime

from rostra.core.app_settings import app_settings

register = template.Library()


@register.filter
def get(mapping, key):
    """`mapping[key]`, or None: `{{ my_votes|get:comment.pk }}`."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def shown_time(value):
    """A time as the site shows it (ROSTRA_DATE_FORMAT, in the active time zone)."""
    if not value:
        return ""
    return format_date(localtime(value), app_settings.DATE_FORMAT)


@register.filter
def iso_time(value):
    return localtime(value).isoformat(timespec="seconds") if value else ""
