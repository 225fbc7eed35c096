"""Template helpers used across Rostra's pages."""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
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
    return comment_url("permalink", comment_id)


_URL_SHAPES: dict[tuple, tuple[str, str]] = {}
_SAMPLE_ID = 987654321


@register.simple_tag
def comment_url(name, comment_id):
    """`{% url 'discussion:<name>' comment_id %}`, reversed once per process and URL configuration:
    a thread page has half a dozen of these links per comment, and reverse() took a fifth of its
    rendering."""
    key = (name, get_script_prefix(), get_urlconf())
    shape = _URL_SHAPES.get(key)
    if shape is None:
        url = reverse(f"discussion:{name}", kwargs={"comment_id": _SAMPLE_ID})
        before, _, after = url.partition(str(_SAMPLE_ID))
        shape = _URL_SHAPES[key] = (before, after)
    return f"{shape[0]}{int(comment_id)}{shape[1]}"
