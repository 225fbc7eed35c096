"""restore_export: `rostra import --format rostra`, Rostra's own export read back, losing nothing.

The export is a backup, so its ids are kept where they are free: exporting, importing into an empty
database and exporting again gives the same bytes. Where an id is taken by something else
(importing one installation's export into another's site), the article or comment gets a new id and
keeps everything else. Importing the same file twice adds nothing: an article is found again by its
id and slug, else its source id, its URL, or (a hosted article) its title and publication time; a
comment by its id within that article, else its source id, or its time, author and words. What
readers see (`body_html`) is rendered again from the source, as when the comment was written: a file
is not trusted because it says it came from Rostra.
"""

import hashlib
import json
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Max

from rostra.articles.models import Article
from rostra.articles.publish import free_slug, render_article_body
from rostra.core.markup import render, web_address
from rostra.discussion.bulk import CommentBatch, NewComment
from rostra.discussion.models import Comment
from rostra.porting.records import ImportReport, SourceError
from rostra.porting.rostra_format import VERSION
from rostra.sites.models import Site

ARTICLE_FIELDS = ("slug", "url", "title", "submitted_by", "via", "body_source", "body_format",
                  "image_url", "image_caption", "image_credit", "image_position", "comments_open",
                  "source", "source_id")
STATES = {choice.value for choice in Comment.State}
FORMATS = {choice.value for choice in Comment.BodyFormat}


def read_header(first_line: str) -> dict:
    """The export's first line, checked: SourceError for a file that is not a Rostra export this
    version reads."""
    try:
        header = json.loads(first_line)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("type") != "rostra-export":
        raise SourceError("the first line is not a Rostra export's header", line=1)
    if header.get("version") != VERSION:
        raise SourceError(f"this is version {header.get('version')!r} of Rostra's export format; "
                          f"this Rostra reads version {VERSION}", line=1)
    if not isinstance(header.get("site"), dict):
        raise SourceError("the header names no site", line=1)
    return header


def site_from_header(slug: str, header: dict) -> Site:
    """The site to restore into: `slug` as it is, or made now from the export's description."""
    site = Site.objects.filter(slug=slug).first()
    if site is not None:
        return site
    described = header["site"]
    return Site.objects.create(
        slug=slug, name=str(described.get("name") or slug), timezone=str(described.get("timezone") or "UTC"),
        domains=list(described.get("domains") or []), origins=list(described.get("origins") or []),
        create_threads=bool(described.get("create_threads", True)),
    )


class _Restore:
    def __init__(self, site: Site, report: ImportReport):
        self.site = site
        self.report = report
        self.article: Article | None = None
        self.article_line_id: int | None = None
        self.comments: dict[int, str | NewComment] = {}  # export id → path, or the queued comment
        self.restored: dict[tuple, str] = {}  # see _remember_existing
        self.sources: dict[tuple, int] = {}  # (source, source id) → export id, in this run's article
        self.free_above = Comment.objects.aggregate(top=Max("id"))["top"] or 0
        self.unflushed: list[int] = []  # export ids of the comments in the batch, in order
        self.batch = CommentBatch()
        self.batch.on_flush.append(self._remember_paths)

    def _remember_paths(self, stored: list[NewComment]) -> None:
        """Once stored, a comment is remembered by its path alone (flat memory)."""
        for export_id, comment in zip(self.unflushed, stored, strict=True):
            self.comments[export_id] = comment.path
        self.unflushed = []

    def article_line(self, line: dict, number: int) -> None:
        self.batch.flush()
        self.comments = {}
        wanted = _int(line.get("id"))
        existing = Article.objects.filter(pk=wanted, site=self.site, slug=line.get("slug")).first()
        if existing is None and line.get("source"):
            existing = Article.objects.filter(site=self.site, source=line["source"],
                                              source_id=str(line.get("source_id") or "")).first()
        if existing is None and line.get("url"):
            existing = Article.objects.filter(site=self.site, url=line["url"]).first()
        if existing is None and not line.get("url") and not line.get("source"):
            # a hosted article restored before under another id (and so another slug)
            existing = Article.objects.filter(site=self.site, url="", source="", title=line.get("title"),
                                              published=_time(line.get("published"))).first()
        self.article_line_id = wanted
        self.restored, self.sources = {}, {}
        if existing is not None:
            self.article = existing
            self.report.articles_existing += 1
            self._remember_existing(existing)
            return
        article = Article(site=self.site, **{k: line[k] for k in ARTICLE_FIELDS if k in line})
        article.slug = free_slug(str(line.get("slug") or "page"))
        for field in ("url", "image_url"):  # only http(s) addresses, whatever a file says
            setattr(article, field, web_address(str(getattr(article, field) or "")))
        article.published = _time(line.get("published"))
        if wanted and not Article.objects.filter(pk=wanted).exists():
            article.pk = wanted
        article.body_html = render_article_body(article)
        article.save(force_insert=True)
        self.article = article
        self.report.articles_created += 1

    def _remember_existing(self, article: Article) -> None:
        """The article's stored comments, by id and by what identifies a comment that was restored
        before under another id (its id was taken): its source id, else its time, author and words."""
        rows = Comment.objects.filter(thread=article).values_list(
            "id", "path", "source", "source_id", "created", "author_name", "body_source")
        for pk, path, source, source_id, created, author, body in rows.iterator():
            self.comments[pk] = path
            self.restored[_identity(source, source_id, created, author, body)] = path

    def comment_line(self, line: dict, number: int) -> None:
        where = f"line {number}"
        if self.article is None or _int(line.get("article")) != self.article_line_id:
            self.report.skipped.append(f"{where}: the comment's article is not the one before it")
            return
        wanted = _int(line.get("id"))
        if wanted is None:
            self.report.skipped.append(f"{where}: the comment has no id")
            return
        if wanted in self.comments:
            self.report.comments_existing += 1
            return
        if self.restored:
            identity = _identity(str(line.get("source") or ""), str(line.get("source_id") or ""),
                                 _time(line.get("created")), str(line.get("author_name") or "")[:200],
                                 str(line.get("body_source") or ""))
            if identity in self.restored:
                self.comments[wanted] = self.restored[identity]
                self.report.comments_existing += 1
                return
        source_key = (str(line.get("source") or ""), str(line.get("source_id") or ""))
        if source_key[0] and source_key in self.sources:
            self.report.skipped.append(f"{where}: comment {wanted} has the source id of comment "
                                       f"{self.sources[source_key]} ({source_key[0]} "
                                       f"{source_key[1]!r}); the first is kept")
            return
        parent_id = line.get("parent")
        parent = None
        if parent_id is not None:
            parent = self.comments.get(_int(parent_id))
            if parent is None:
                self.report.skipped.append(f"{where}: comment {wanted} comes before its parent "
                                           f"{parent_id} (an export lists parents first)")
                return
        state = line.get("state") if line.get("state") in STATES else Comment.State.VISIBLE
        body_format = line.get("body_format") if line.get("body_format") in FORMATS else "plain"
        comment = NewComment(
            thread_id=self.article.pk,
            author_name=str(line.get("author_name") or "")[:200],
            author_email=str(line.get("author_email") or "")[:254],
            author_website=str(line.get("author_website") or "")[:500],
            body_source=str(line.get("body_source") or ""),
            body_format=body_format,
            body_html=render(str(line.get("body_source") or ""), body_format),
            state=state,
            is_placeholder=bool(line.get("placeholder")),
            created=_time(line.get("created")),
            edited=_time(line.get("edited")),
            upvotes=max(0, _int(line.get("upvotes")) or 0),
            downvotes=max(0, _int(line.get("downvotes")) or 0),
            source=str(line.get("source") or ""),
            source_id=str(line.get("source_id") or ""),
        )
        if wanted > self.free_above or not Comment.objects.filter(pk=wanted).exists():
            comment.pk = wanted
        if source_key[0]:
            self.sources[source_key] = wanted
        self.unflushed.append(wanted)
        added = self.batch.add(comment, parent)
        self.comments.setdefault(wanted, added)  # a flush inside add() already left its path
        self.report.comments_created += 1
        self.report.placeholders_created += comment.is_placeholder
        if not comment.is_placeholder:
            self.report.authors.add(comment.author_email.lower() or comment.author_name)


def restore_export(site: Site, lines: Iterable[str], report: ImportReport | None = None, *,
                   on_error: str = "skip", dry_run: bool = False, on_progress=None) -> ImportReport:
    """Load an export's lines (after the header) into `site`. Under `on_error="stop"` (or a dry
    run) everything is one transaction; otherwise comments are committed a batch at a time."""
    report = report or ImportReport()
    restore = _Restore(site, report)
    whole = transaction.atomic() if on_error == "stop" or dry_run else nullcontext()
    with whole:
        for number, text in enumerate(lines, start=2):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except json.JSONDecodeError as exc:
                line = None
                problem = f"line {number}: not JSON ({exc.msg})"
            else:
                problem = f"line {number}: expected an object with a type"
            if not isinstance(line, dict) or line.get("type") not in ("article", "comment"):
                if on_error == "stop":
                    raise SourceError(problem.split(": ", 1)[1], line=number)
                report.skipped.append(problem)
                continue
            if line["type"] == "article":
                restore.article_line(line, number)
            else:
                restore.comment_line(line, number)
            if on_progress is not None:
                on_progress(report)
        restore.batch.flush()
        if on_error == "stop" and report.skipped:
            raise SourceError(report.skipped[0])
        if dry_run:
            transaction.set_rollback(True)
    return report


def _identity(source: str, source_id: str, created: datetime | None, author: str, body: str) -> tuple:
    if source:
        return ("source", source, source_id)
    digest = hashlib.blake2b(body.encode(), digest_size=8).digest()
    return ("words", created.astimezone(UTC).isoformat() if created else None, author, digest)


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
