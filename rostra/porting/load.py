"""load_records: the one path every importer's records take into Rostra: idempotent, stored in batches.

Records arrive in source order: articles, and comments naming their article (or belonging to the last
article read) and their parent. A comment whose parent has not arrived yet waits for it; parents that
never arrive become placeholders at the end, so every reply hangs where it hung. What an earlier import
stored (same source and source id) is left as it is and counted as existing: importing twice adds
nothing. Comments go in through CommentBatch (ids in blocks, paths in one pass, bulk inserts).
"""

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from contextlib import contextmanager, nullcontext

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from rostra.articles.external import normalise_url
from rostra.articles.models import Article
from rostra.articles.publish import free_slug, render_article_body, reserve_article_ids, save_article
from rostra.core.markup import render, web_address
from rostra.discussion.bulk import CommentBatch, NewComment
from rostra.discussion.create import bump_thread
from rostra.discussion.models import Comment
from rostra.porting.records import ArticleRecord, CommentRecord, ImportReport, SkippedRecord, SourceError
from rostra.sites.models import Site


class _Loader:
    def __init__(self, site: Site, report: ImportReport):
        self.site = site
        self.report = report
        self.threads: dict[str, int] = {}  # source id → the article's id (not the article: memory)
        self.site_articles: dict[tuple, int] | None = None  # by source id, and by page URL
        self.last_thread: int | None = None
        # thread pk → source id → the stored comment's path, or the comment waiting in the batch
        self.stored: dict[int, dict[str | int, int | NewComment]] = {}
        self.previous: dict[int, dict[str, tuple]] = defaultdict(dict)  # see _known
        self.waiting: dict[tuple[int, str], list[CommentRecord]] = defaultdict(list)
        self.waiting_ids: set[tuple[int, str]] = set()  # comments waiting for their parent
        self.batch = CommentBatch()
        self.batch.on_flush.append(self._forget_stored)
        self.reserved: list[int] = []  # article ids reserved and not used yet, the next last
        self.queued: list[tuple[dict, str | int]] = []  # (known, key) of each comment in the batch
        # Comments whose author's email is an account's are linked to that account.
        self.accounts = {email.lower(): pk for pk, email in
                         get_user_model().objects.exclude(email="").values_list("pk", "email")}
        self.source = ""

    def article(self, record: ArticleRecord) -> None:
        record.url = _page_url(record.url)
        if self.site_articles is None:  # the site's articles, once: one query, not two per article
            self.site_articles = {}
            for pk, source, source_id, url in Article.objects.filter(site=self.site).values_list(
                    "pk", "source", "source_id", "url").iterator():
                self.site_articles[("source", source, source_id)] = pk
                if url:
                    self.site_articles[("url", url)] = pk
        pk = self.site_articles.get(("source", record.source, record.source_id))
        if pk is None and record.url:
            # several threads of one page (a Disqus classic) become one discussion
            pk = self.site_articles.get(("url", record.url))
        if pk is None:
            thread = self._new_article(record)
            self.site_articles[("source", record.source, record.source_id)] = thread.pk
            if thread.url:
                self.site_articles[("url", thread.url)] = thread.pk
            self.stored[thread.pk] = {}  # a new article holds no comments yet: no need to look
            self.report.articles_created += 1
        else:
            thread = Article(pk=pk, site=self.site)  # the loader needs its id only
            self.report.articles_existing += 1
        self.threads[record.source_id] = self.last_thread = thread.pk
        self.source = record.source

    def _new_article(self, record: ArticleRecord) -> Article:
        """A new article with its id. On SQLite it is stored by the next flush of the batch, with the
        comments that follow it (its id reserved now, a block at a time): stored at once, each in
        a transaction of its own, the articles of a 10,000-comment file took a tenth of its storing
        and a quarter of the write-ahead log. Elsewhere it is stored at once."""
        # (slugs of the new articles still in the batch are taken too: stored with the next flush)
        article = _article(self.site, record, [waiting.slug for waiting in self.batch.articles])
        if not self.reserved:
            ids = reserve_article_ids(64)
            if ids is None:
                return save_article(article)
            self.reserved = list(reversed(ids))
        article.pk = self.reserved.pop()
        article.body_html = render_article_body(article)
        self.batch.add_article(article)
        return article

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
        known = self.stored.get(thread)
        if known is None:
            known = self._known(thread)
        key = _key(record.source_id)
        # (a comment waiting for its parent is in no `known` yet; the tuple only when one waits)
        if key in known or self.waiting_ids and (thread, record.source_id) in self.waiting_ids:
            earlier = self.previous[thread].pop(record.source_id, None)
            if earlier is not None:
                self.report.comments_existing += 1
                self._apply_changes(thread, record, earlier)
            else:
                self.report.skipped.append(f"comment {record.source_id}{_at(record)}: the file holds "
                                           "it more than once; the first is kept")
            return
        parent = None
        if record.parent_source_id is not None:
            parent = known.get(_key(record.parent_source_id))
            if parent is None:
                self.waiting[(thread, record.parent_source_id)].append(record)
                self.waiting_ids.add((thread, record.source_id))
                return
        comment = self._queue(thread, record, parent, known, key)
        if self.waiting:  # some replies came before their parent: this may be one
            self._store_waiting(thread, record, comment)

    def finish(self) -> None:
        """Give every parent that never arrived a placeholder, then hang its replies under it."""
        while self.waiting:
            thread_pk, parent_source_id = next(iter(self.waiting))
            known = self.stored[thread_pk]
            placeholder = CommentRecord(
                source_id=f"missing:{parent_source_id}", parent_source_id=None,
                author_name="Unknown", body="", created=None, is_placeholder=True,
            )
            if placeholder.source_id not in known:  # else an earlier import made it
                self._store_in(thread_pk, placeholder, None)
            known[_key(parent_source_id)] = known[placeholder.source_id]
            for child in self.waiting.pop((thread_pk, parent_source_id), []):
                self._store_in(thread_pk, child, known[_key(parent_source_id)])
        self.batch.flush()

    def _forget_stored(self, comments: list[NewComment]) -> None:
        """Once stored, a comment is remembered by its id alone (a reply looks its path up when it
        is stored): a million comments' bodies, or even their paths, would not fit the memory an
        import may take."""
        for (known, key), comment in zip(self.queued, comments, strict=True):
            known[key] = comment.pk
        self.queued = []

    def _known(self, thread: int) -> dict[str | int, int | NewComment]:
        """Source id → id of the thread's stored comments (or the NewComment still in the batch). For
        those an earlier import stored, `previous` keeps what is needed to notice changes."""
        if thread not in self.stored:
            known, previous = {}, {}
            rows = (Comment.objects.filter(thread_id=thread).exclude(source="")
                    .values_list("source_id", "id", "state", "body_source").iterator())
            for source_id, pk, state, body in rows:
                known[_key(source_id)] = pk
                previous[source_id] = (pk, state, _digest(body))
            self.stored[thread], self.previous[thread] = known, previous
        return self.stored[thread]

    def _apply_changes(self, thread: int, record: CommentRecord, earlier: tuple) -> None:
        """What a newer export says of a comment stored before: new words replace the old ones,
        and a deletion (or spam, or a return to moderation) at the source is applied. A comment
        Rostra's moderators took down is never put back up by an import."""
        pk, state, digest = earlier
        if record.is_placeholder:
            return
        changes = {}
        if _digest(record.body) != digest:
            changes.update(body_source=record.body, body_html=_html(record),
                           body_format=record.body_format, edited=record.edited or timezone.now())
        if state == Comment.State.VISIBLE and record.state != state:
            changes["state"] = record.state
        if not changes:
            return
        with transaction.atomic():
            Comment.objects.filter(pk=pk).update(**changes)
            bump_thread(thread, count_delta=-1 if "state" in changes else 0)
        self.report.comments_updated += 1

    def _store_in(self, thread_pk: int, record: CommentRecord, parent: int | NewComment | None) -> None:
        """Queue the comment, then every reply that was waiting for it."""
        self.waiting_ids.discard((thread_pk, record.source_id))
        comment = self._queue(thread_pk, record, parent, self.stored[thread_pk], _key(record.source_id))
        self._store_waiting(thread_pk, record, comment)

    def _store_waiting(self, thread_pk: int, record: CommentRecord, comment: NewComment) -> None:
        """Queue the replies that were waiting for `record` (now queued as `comment`), and theirs,
        depth first, without recursion: a long chain of replies must not exhaust the stack."""
        known = self.stored[thread_pk]
        todo = [(child, comment) for child in reversed(self.waiting.pop((thread_pk, record.source_id), []))]
        while todo:
            record, parent = todo.pop()
            self.waiting_ids.discard((thread_pk, record.source_id))
            comment = self._queue(thread_pk, record, parent, known, _key(record.source_id))
            children = self.waiting.pop((thread_pk, record.source_id), None)
            if children:
                todo.extend((child, comment) for child in reversed(children))

    def _queue(self, thread_pk: int, record: CommentRecord, parent: int | NewComment | None,
               known: dict, key: str | int) -> NewComment:
        """Put one comment in the batch; the one place a record becomes a comment."""
        email = record.author_email
        comment = NewComment(
            thread_id=thread_pk,
            author_name=record.author_name[:200] or "Anonymous",
            author_email=email[:254],
            author_website=web_address(record.author_website[:500]) if record.author_website else "",
            body_source=record.body,
            body_format=record.body_format,
            body_html=_html(record),
            state=record.state,
            created=record.created,
            edited=record.edited,
            upvotes=record.upvotes if record.upvotes > 0 else 0,
            downvotes=record.downvotes if record.downvotes > 0 else 0,
            source=self.source,
            source_id=record.source_id,
            is_placeholder=record.is_placeholder,
            user_id=self.accounts.get(email.lower()) if email and self.accounts else None,
        )
        known[key] = comment  # until the batch is stored: then its id (_forget_stored)
        self.queued.append((known, key))
        self.batch.add(comment, parent)
        report = self.report
        report.comments_created += 1
        if record.is_placeholder:
            report.placeholders_created += 1
        else:
            report.authors.add(email.lower() or record.author_name)
        return comment


def _html(record: CommentRecord) -> str:
    return render(record.body, record.body_format) if record.body_html is None else record.body_html


def _key(source_id: str) -> str | int:
    """How a source id is remembered during a run: as a number when it is one (Disqus and WordPress
    ids are), which takes half the memory of the text. "007" stays text: it is not the id "7"."""
    if source_id.isdigit() and source_id.isascii() and source_id[0] != "0":
        return int(source_id)
    return source_id


def _digest(body: str) -> bytes:
    return hashlib.blake2b(body.encode(), digest_size=8).digest()


def _page_url(url: str) -> str:
    """The stored form of a page URL (as the API looks it up); what is not an http(s) address (text,
    a `javascript:` link in a hostile export) is left out."""
    try:
        return normalise_url(url) if web_address(url) else ""
    except ValueError:
        return ""


def _at(record: CommentRecord) -> str:
    return f" (line {record.line})" if record.line else ""


def load_records(
    site: Site, records: Iterable[ArticleRecord | CommentRecord | SkippedRecord],
    report: ImportReport | None = None, *, on_error: str = "skip", dry_run: bool = False,
    on_progress=None,
) -> ImportReport:
    """Store articles and comments (see the module's docstring). `on_progress(report)` is called
    after each record.

    `on_error="skip"`: a record the source could not give (a bad line) is skipped and reported, and
    a source that breaks off keeps what was read before the break (`report.broken_at` says where).
    Comments are committed a batch at a time, so the site stays writable while a long import runs,
    and a run that is killed keeps whole batches that the next run skips over.
    `on_error="stop"`: the whole run is one transaction; a bad record or a break raises SourceError
    and nothing is stored. `dry_run` does all the work in one transaction, reports it, and rolls
    it back.
    """
    report = report or ImportReport()
    loader = _Loader(site, report)
    whole = transaction.atomic() if on_error == "stop" or dry_run else nullcontext()
    with _fewer_checkpoints(), whole:
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
                if on_progress is not None:
                    on_progress(report)
        except SourceError as broken:
            if on_error == "stop":
                raise
            report.broken_at = str(broken)
        loader.finish()
        if dry_run:
            transaction.set_rollback(True)
    return report


@contextmanager
def _fewer_checkpoints(pages: int = 10_000):
    """SQLite copies its write-ahead log into the database (and syncs both to disk) once the log
    holds 1,000 pages, which an import's batch nearly fills by itself: every flush paid for two disk
    syncs. A longer log (40 MB) while an import runs means a tenth of them; the log stays as
    crash-safe as before (a killed import leaves whole batches), it is only copied back less often."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")


def load_thread(
    site: Site, article: ArticleRecord, comments: Iterable[CommentRecord],
    report: ImportReport | None = None,
) -> ImportReport:
    """One article and its comments (sources that hold a single thread, like a saved page)."""
    def records():
        yield article
        yield from comments

    return load_records(site, records(), report, on_error="stop")


def _article(site: Site, record: ArticleRecord, taken_here: Collection[str]) -> Article:
    return Article(
        site=site,
        slug=free_slug(record.slug, taken_here),
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

