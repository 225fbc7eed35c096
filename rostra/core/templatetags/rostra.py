"""Template helpers used across Rostra's pages."""

from django import template
from django.utils.safestring import mark_safe

from rostra.core import dates
from rostra.discussion import render

register = template.Library()


@register.filter
def shown_time(value):
    """A time as the site shows it (ROSTRA_DATE_FORMAT, in the active time zone)."""
    return dates.shown_time(value)


@register.filter
def iso_time(value):
    return dates.iso_time(value)


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
