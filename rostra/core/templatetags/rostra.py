"""Template helpers used across Rostra's pages."""

from django import template
from django.utils.safestring import mark_safe

from rostra.core import dates
from rostra.core.markup import web_address as _web_address
from rostra.discussion import render

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
    return dates.shown_time(value)


@register.filter
def iso_time(value):
    return dates.iso_time(value)


@register.simple_tag(takes_context=True)
def comment_href(context, comment_id):
    """Where a comment's links point: Rostra's permalink, or the host page's anchor inside an embed."""
    if context.get("embed"):
        return f"{context['host_url']}#c{comment_id}"
    return render.comment_url("permalink", comment_id)


@register.simple_tag
def comment_url(name, comment_id):
    """`{% url 'discussion:<name>' comment_id %}`, reversed once per process and URL configuration."""
    return render.comment_url(name, comment_id)


# A comment's markup (rostra/discussion/render.py), from what the context holds: embed, host_url,
# base_url, csrf_token, my_votes, editable_ids, article and site.

@register.simple_tag(takes_context=True)
def comment_list(context, nodes):
    """Top-level comments of a page with their replies."""
    return mark_safe(render.CommentMarkup.from_context(context).trees(nodes or ()))


@register.simple_tag(takes_context=True)
def comment_tree(context, node, comment=None):
    """One comment (node.comment unless given) with the replies under `node` (None: no replies)."""
    return mark_safe(render.CommentMarkup.from_context(context).tree(node, comment))


@register.simple_tag(takes_context=True)
def comment_main(context, comment):
    return mark_safe(render.CommentMarkup.from_context(context).main(comment))


@register.simple_tag(takes_context=True)
def comment_votes(context, comment):
    return mark_safe(render.CommentMarkup.from_context(context).votes(comment))
