"""load_records: the one path every importer's records take into Rostra, idempotent and all-or-nothing.

Records arrive in source order: articles, and comments naming their article (or belonging to the last
article read) and their parent. A comment whose parent has not arrived yet waits for it; parents that
never arrive become placeholders at the end, so every reply hangs where it hung. What an earlier import
stored (same source and source id) is left as it is and counted as existing: importing twice adds
nothing.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from rostra.articles.external import normalise_url
from rostra.articles.models import Article
from rostra.articles.publish import free_slug, save_article
from rostra.discussion.create import create_comment
from rostra.discussion.models import Comment
from rostra.discussion.vote import wilson_lower_bound
from rostra.porting.records import ArticleRecord, CommentRecord, ImportReport, SkippedRecord, SourceError
from rostra.sites.models import Site


class _Loader:
    def __init__(self, site: Site, report: ImportReport):
        self.site = site
        self.report = report
        self.threads: dict[str, Article] = {}
        self.last_thread: Article | None = None
        self.stored: dict[int, dict[str, int]] = {}  # thread pk → source id → comment pk
        self.waiting: dict[tuple[int, str], list[CommentRecord]] = defaultdict(list)
        self.source = ""

    def article(self, record: ArticleRecord) -> None:
        record.url = _page_url(record.url)
        thread = Article.objects.filter(
            site=self.site, source=record.source, source_id=record.source_id
        ).first()
        if thread is None and record.url:
            # several threads of one page (a Disqus classic) become one discussion
            thread = Article.objects.filter(site=self.site, url=record.url).first()
        if thread is None:
            thread = save_article(_new_article(self.site, record))
            self.report.articles_created += 1
        else:
            self.report.articles_existing += 1
        self.threads[record.source_id] = self.last_thread = thread
        self.source = record.source

    def comment(self, record: CommentRecord) -> None:
        if not record.source_id:
            self.report.skipped.append(f"a comment without an id{_at(record)}: it could not be told "
                                       "apart from others on a later import")
            return
        if record.article_source_id is not None:
            thread = self.threads.get(record.article_source_id)
        else:
            thread = self.last_thread
        if thread is None:
            self.report.skipped.append(
                f"comment {record.source_id or '?'}{_at(record)}: its thread "
                f"{record.article_source_id!r} is not in the file"
            )
            return
        known = self._known(thread)
        if record.source_id in known:
            self.report.comments_existing += 1
            return
        parent_id = None
        if record.parent_source_id is not None:
            parent_id = known.get(record.parent_source_id)
            if parent_id is None:
                self.waiting[(thread.pk, record.parent_source_id)].append(record)
                return
        self._store(thread, record, parent_id)

    def finish(self) -> None:
        """Give every parent that never arrived a placeholder, then hang its replies under it."""
        while self.waiting:
            thread_pk, parent_source_id = next(iter(self.waiting))
            thread = Article.objects.get(pk=thread_pk)
            known = self._known(thread)
            placeholder = CommentRecord(
                source_id=f"missing:{parent_source_id}", parent_source_id=None,
                author_name="Unknown", body="", created=None, is_placeholder=True,
            )
            if placeholder.source_id not in known:  # else an earlier import made it
                self._store(thread, placeholder, None)
            known[parent_source_id] = known[placeholder.source_id]
            for child in self.waiting.pop((thread_pk, parent_source_id), []):
                self._store(thread, child, known[parent_source_id])

    def _known(self, thread: Article) -> dict[str, int]:
        if thread.pk not in self.stored:
            self.stored[thread.pk] = dict(
                Comment.objects.filter(thread=thread).exclude(source="")
                .values_list("source_id", "pk")
            )
        return self.stored[thread.pk]

    def _store(self, thread: Article, record: CommentRecord, parent_id: int | None) -> None:
        comment = create_comment(
            thread=thread,
            parent_id=parent_id,
            author_name=record.author_name[:200] or "Anonymous",
            author_email=record.author_email,
            author_website=record.author_website,
            body=record.body,
            body_format=record.body_format,
            state=record.state,
            created=record.created,
            source=self.source,
            source_id=record.source_id,
            is_placeholder=record.is_placeholder,
            imported=True,
        ).comment
        if record.upvotes or record.downvotes or record.edited:
            _keep_votes_and_edit_time(comment, record)
        self._known(thread)[record.source_id] = comment.pk
        self.report.comments_created += 1
        self.report.placeholders_created += record.is_placeholder
        for child in self.waiting.pop((thread.pk, record.source_id), []):
            self._store(thread, child, comment.pk)


def _keep_votes_and_edit_time(comment: Comment, record: CommentRecord) -> None:
    up, down = max(0, record.upvotes), max(0, record.downvotes)
    Comment.objects.filter(pk=comment.pk).update(
        upvotes=up, downvotes=down, score=up - down, best_score=wilson_lower_bound(up, down),
        edited=record.edited,
    )


def _page_url(url: str) -> str:
    """The stored form of a page URL (as the API looks it up); text that is no URL is left out."""
    try:
        return normalise_url(url) if url else ""
    except ValueError:
        return ""


def _at(record: CommentRecord) -> str:
    return f" (line {record.line})" if record.line else ""


def load_records(
    site: Site, records: Iterable[ArticleRecord | CommentRecord | SkippedRecord],
    report: ImportReport | None = None, *, on_error: str = "skip", dry_run: bool = False,
) -> ImportReport:
    """Store articles and comments in one transaction (see the module's docstring).

    `on_error="skip"`: a record the source could not give (a bad line) is skipped and reported, and
    a source that breaks off keeps what was read before the break (`report.broken_at` says where).
    `on_error="stop"`: either raises SourceError and nothing is stored. `dry_run` does all the work
    and reports it, then rolls it back.
    """
    report = report or ImportReport()
    loader = _Loader(site, report)
    with transaction.atomic():
        try:
            for record in records:
                if isinstance(record, ArticleRecord):
                    loader.article(record)
                elif isinstance(record, SkippedRecord):
                    if record.by_design:
                        report.skipped_by_design += 1
                    elif on_error == "stop":
                        raise SourceError(record.what)
                    else:
                        report.skipped.append(record.what)
                else:
                    loader.comment(record)
        except SourceError as broken:
            if on_error == "stop":
                raise
            report.broken_at = str(broken)
        loader.finish()
        if dry_run:
            transaction.set_rollback(True)
    return report


def load_thread(
    site: Site, article: ArticleRecord, comments: Iterable[CommentRecord],
    report: ImportReport | None = None,
) -> ImportReport:
    """One article and its comments (sources that hold a single thread, like a saved page)."""
    def records():
        yield article
        yield from comments

    return load_records(site, records(), report)


def _new_article(site: Site, record: ArticleRecord) -> Article:
    return Article(
        site=site,
        slug=free_slug(record.slug),
        url=record.url,
        title=record.title,
        submitted_by=record.submitted_by,
        via=record.via,
        published=record.published,
        body_source=record.body,
        body_format=record.body_format,
        image_caption=record.image_caption,
        image_credit=record.image_credit,
        image_position=record.image_position,
        source=record.source,
        source_id=record.source_id,
    )

