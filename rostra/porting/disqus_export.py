"""export_lines: a site (or one article) as a Disqus XML export, the format Disqus's own export has.

One `<category>` (the site), a `<thread>` per article, then a `<post>` per comment, article by
article in tree order (a parent always before its replies). Ids are Rostra's: `dsq:id` of a thread is
the article's id, of a post the comment's id, so exports made at different times agree. The mapping
(states, placeholders, what is lost) is in docs/export-format.md. Streams from the database in
batches and writes text as it goes: memory stays flat whatever the size.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from django.db.models import Min

from rostra.articles.models import Article
from rostra.discussion.models import Comment, subtree_end
from rostra.porting.rostra_format import batched
from rostra.sites.models import Site

# Characters XML 1.0 cannot hold at all, not even escaped or in CDATA.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def text(value) -> str:
    """`value` as XML character data."""
    value = _NOT_XML.sub("", str(value))
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cdata(value: str) -> str:
    """`value` in a CDATA section; a `]]>` inside is split across two sections."""
    return "<![CDATA[" + _NOT_XML.sub("", value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def element(name: str, value) -> str:
    return f"<{name}>{text(value)}</{name}>" if value not in ("", None) else f"<{name}/>"


def article_link(site: Site, article: Article) -> str:
    """The page a discussion belongs to: an external article's URL, a hosted one's address."""
    return article.url or site.base_url + article.get_absolute_url()


def article_time(article: Article) -> datetime:
    """When an article appeared: published, else when Rostra first stored it."""
    return article.published or article.created


class CommentTimes:
    """Every comment's time, asked in tree order (parents first). A comment whose time Rostra does not
    know (placeholders, some imports) takes its parent's, or at the top of a thread the earliest time
    among its replies, else its article's: both formats need a time on every comment, and importers
    that order by time must still see a parent before its replies. Keeps only the current comment's
    ancestors, and queries only for timeless comments at the top (each subtree once)."""

    def __init__(self, article: Article):
        self.article = article
        self.ancestors: list[tuple[str, datetime]] = []  # (path, time), the top-level comment first

    def __call__(self, comment: Comment) -> datetime:
        while self.ancestors and not comment.path.startswith(self.ancestors[-1][0]):
            self.ancestors.pop()
        time = comment.created
        if time is None and self.ancestors:
            time = self.ancestors[-1][1]
        if time is None:
            time = Comment.objects.filter(
                thread_id=comment.thread_id, path__gt=comment.path, path__lt=subtree_end(comment.path)
            ).aggregate(earliest=Min("created"))["earliest"] or article_time(self.article)
        self.ancestors.append((comment.path, time))
        return time


def disqus_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def site_articles(site: Site, article_url: str | None):
    articles = Article.objects.filter(site=site)
    return articles.filter(url=article_url) if article_url is not None else articles


def export_lines(site: Site, *, article_url: str | None = None) -> Iterator[str]:
    """The Disqus export of `site` (or of its one article at `article_url`), piece by piece."""
    yield '<?xml version="1.0" encoding="utf-8"?>'
    yield ('<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd '
           'http://disqus.com/api/schemas/1.0/disqus-internals.xsd">')
    yield (f'<category dsq:id="{site.pk}">{element("forum", site.slug)}{element("title", site.name)}'
           "<isDefault>true</isDefault></category>")
    articles = site_articles(site, article_url)
    for article in batched(articles, "id"):  # every thread before any post, as Disqus writes them
        yield thread(site, article)
    for article in batched(articles, "id"):
        times = CommentTimes(article)
        for comment in batched(Comment.objects.filter(thread=article), "path"):
            yield post(comment, times(comment))
    yield "</disqus>"


def thread(site: Site, article: Article) -> str:
    link = article_link(site, article)
    return "".join((
        f'<thread dsq:id="{article.pk}">', element("id", link), element("forum", site.slug),
        f'<category dsq:id="{site.pk}"/>', element("link", link), element("title", article.title),
        "<message/>", element("createdAt", disqus_time(article_time(article))),
        "<author>", element("name", article.submitted_by or site.name),
        "<isAnonymous>true</isAnonymous></author>",
        f"<isClosed>{str(not article.comments_open).lower()}</isClosed><isDeleted>false</isDeleted>",
        "</thread>",
    ))


def post(comment: Comment, created: datetime) -> str:
    # A post that readers do not see is isDeleted (Disqus has no pending state; importers that read
    # only isDeleted, Isso's among them, must not publish spam); spam says isSpam too. A placeholder
    # is a deleted post with no text, so that its replies keep their parent.
    hidden = comment.state != Comment.State.VISIBLE or comment.is_placeholder
    spam = comment.state == Comment.State.SPAM
    parts = [
        f'<post dsq:id="{comment.pk}">', "<id/>",
        f"<message>{cdata(comment.body_html)}</message>", element("createdAt", disqus_time(created)),
        f"<isDeleted>{str(hidden).lower()}</isDeleted><isSpam>{str(spam).lower()}</isSpam>",
        "<author>", element("email", comment.author_email), element("name", comment.author_name),
        f"<isAnonymous>{str(comment.user_id is None).lower()}</isAnonymous></author>",
    ]
    parts.append(f'<thread dsq:id="{comment.thread_id}"/>')
    if comment.parent_id is not None:
        parts.append(f'<parent dsq:id="{comment.parent_id}"/>')
    parts.append("</post>")
    return "".join(parts)
