"""export_lines: a site (or one article) as a WordPress eXtended RSS (WXR 1.2) file.

What WordPress's own export writes, and what WordPress, Disqus and most comment systems import: the
site as the channel, an `<item>` per article (a post) and in it a `<wp:comment>` per comment, in tree
order. Post and comment ids are Rostra's, so exports made at different times agree. `*_date` times
are in the site's time zone, `*_gmt` in UTC. The mapping is in docs/export-format.md. Streams from
the database in batches: memory stays flat whatever the size.
"""

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from rostra.articles.models import Article
from rostra.discussion.models import Comment
from rostra.porting.disqus_export import (
    CommentTimes,
    article_link,
    article_time,
    cdata,
    element,
    site_articles,
    text,
)
from rostra.porting.rostra_format import batched
from rostra.sites.models import Site

WP = "http://wordpress.org/export/1.2/"
APPROVED = {Comment.State.VISIBLE: "1", Comment.State.PENDING: "0", Comment.State.SPAM: "spam",
            Comment.State.DELETED: "trash", Comment.State.REJECTED: "trash"}


def _date(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _wp(value: str) -> str:
    """Text as WordPress keeps names and titles: HTML, so `&`, `<` and `>` as entities (importers,
    Rostra's among them, unescape them)."""
    return cdata(html.escape(value))


def export_lines(site: Site, *, article_url: str | None = None) -> Iterator[str]:
    """The WXR export of `site` (or of its one article at `article_url`), piece by piece."""
    base = site.base_url
    yield '<?xml version="1.0" encoding="UTF-8" ?>'
    yield "<!-- generator=\"Rostra\" A WordPress eXtended RSS file: a site's articles and comments. -->"
    yield ('<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
           f'xmlns:wp="{WP}">')
    yield "<channel>"
    yield "".join((
        f"<title>{_wp(site.name)}</title>", element("link", base), "<description/>",
        element("pubDate", format_datetime(timezone.now().astimezone(UTC))), "<language/>",
        "<wp:wxr_version>1.2</wp:wxr_version>", element("wp:base_site_url", base),
        element("wp:base_blog_url", base), "<generator>Rostra</generator>",
    ))
    tz = site.tzinfo
    for article in batched(site_articles(site, article_url), "id"):
        yield item(site, article, tz)
        times = CommentTimes(article)
        for comment in batched(Comment.objects.filter(thread=article), "path"):
            yield wp_comment(comment, times(comment), tz)
        yield "</item>"
    yield "</channel>"
    yield "</rss>"


def item(site: Site, article: Article, tz: ZoneInfo) -> str:
    """An article's `<item>`, open: its comments follow, then `</item>`."""
    link = article_link(site, article)
    published = article_time(article)
    return "".join((
        "<item>", f"<title>{_wp(article.title)}</title>", element("link", link),
        element("pubDate", format_datetime(published.astimezone(UTC))),
        f"<dc:creator>{cdata(article.submitted_by or site.name)}</dc:creator>",
        f'<guid isPermaLink="false">{text(link)}</guid>', "<description/>",
        f"<content:encoded>{cdata(article.body_html)}</content:encoded>",
        "<excerpt:encoded><![CDATA[]]></excerpt:encoded>",
        element("wp:post_id", article.pk), element("wp:post_date", _date(published, tz)),
        element("wp:post_date_gmt", _date(published, UTC)),
        element("wp:comment_status", "open" if article.comments_open else "closed"),
        "<wp:ping_status>closed</wp:ping_status>", element("wp:post_name", article.slug),
        "<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>",
        "<wp:post_type>post</wp:post_type><wp:post_password/><wp:is_sticky>0</wp:is_sticky>",
    ))


def wp_comment(comment: Comment, created: datetime, tz: ZoneInfo) -> str:
    # A placeholder is a trashed comment with no text, so that its replies keep their parent. An
    # empty text is written as one space: some importers (Isso's) fail on an empty element.
    approved = "trash" if comment.is_placeholder else APPROVED[comment.state]
    return "".join((
        "<wp:comment>", element("wp:comment_id", comment.pk),
        f"<wp:comment_author>{_wp(comment.author_name)}</wp:comment_author>",
        f"<wp:comment_author_email>{text(comment.author_email)}</wp:comment_author_email>",
        f"<wp:comment_author_url>{text(comment.author_website)}</wp:comment_author_url>",
        "<wp:comment_author_IP></wp:comment_author_IP>",  # never exported: see docs/export-format.md
        element("wp:comment_date", _date(created, tz)),
        element("wp:comment_date_gmt", _date(created, UTC)),
        f"<wp:comment_content>{cdata(comment.body_html or ' ')}</wp:comment_content>",
        element("wp:comment_approved", approved), "<wp:comment_type>comment</wp:comment_type>",
        element("wp:comment_parent", comment.parent_id or 0),
        "<wp:comment_user_id>0</wp:comment_user_id>", "</wp:comment>",
    ))
