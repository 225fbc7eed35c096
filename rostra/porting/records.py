"""Neutral records: what every importer reads a source into, and the one loader takes."""

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter


@dataclass
class ArticleRecord:
    source: str  # the format it came from ("page", "disqus", …)
    source_id: str  # stable within that source: re-imports find the same article
    slug: str
    title: str
    url: str = ""
    submitted_by: str = ""
    via: str = ""
    published: datetime | None = None
    body: str = ""
    body_format: str = "plain"
    image_caption: str = ""
    image_credit: str = ""
    image_position: int = 0


@dataclass
class CommentRecord:
    source_id: str
    parent_source_id: str | None
    author_name: str
    body: str
    created: datetime | None
    body_format: str = "plain"
    author_email: str = ""
    author_website: str = ""
    state: str = "visible"
    is_placeholder: bool = False
    article_source_id: str | None = None  # for sources holding many threads: which one
    line: int = 0  # where it starts in the source, for reports
    edited: datetime | None = None
    upvotes: int = 0  # votes the source counted (no voters are known)
    downvotes: int = 0
    body_html: str | None = None  # the body rendered, when a reading process did it (readahead.py)

    def __reduce__(self):
        # Crossing from the reading process as a plain tuple: a third of the time to unpickle
        # that the default (a dict of field names per record) takes.
        return CommentRecord, _comment_fields(self)


_comment_fields = attrgetter(*(f.name for f in fields(CommentRecord)))


@dataclass
class SkippedRecord:
    """Something a source holds that is not imported: `by_design` (a pingback) or not (a reason)."""

    what: str
    by_design: bool = False


@dataclass
class ImportReport:
    articles_created: int = 0
    articles_existing: int = 0
    comments_created: int = 0
    comments_existing: int = 0
    comments_updated: int = 0  # of those existing: edited or deleted at the source since
    placeholders_created: int = 0
    skipped: list[str] = field(default_factory=list)  # "where: why", one per record left out
    skipped_by_design: int = 0  # pingbacks, trackbacks: not comments
    broken_at: str = ""  # where a source that could not be read to its end broke off
    authors: set[str] = field(default_factory=set)  # who wrote the imported comments (name or email)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"articles: {self.articles_created} imported, {self.articles_existing} already here",
            f"comments: {self.comments_created} imported, {self.comments_existing} already here",
        ]
        if self.comments_updated:
            parts[-1] += (f" ({self.comments_updated} of those already here changed at the source "
                          "and were updated)")
        if self.placeholders_created:
            parts[-1] += (
                f" ({self.placeholders_created} of those imported are placeholders for missing "
                "parents the source names but does not hold)"
            )
        if self.authors:
            parts.append(f"authors: {len(self.authors)}")
        if self.skipped:
            parts.append(f"skipped: {len(self.skipped)}")
        if self.skipped_by_design:
            parts.append(f"not comments (pingbacks, trackbacks): {self.skipped_by_design}")
        details = [*self.notes, *(f"skipped {why}" for why in self.skipped)]
        if self.broken_at:
            details.append(f"the file could not be read to its end: {self.broken_at}; "
                           "what came before was imported")
        return "; ".join(parts) + "".join(f"\n  {line}" for line in details)


class SourceError(Exception):
    """The source cannot be read as its format says; `line` is where reading stopped (1-based)."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.message, self.line = message, line

    def __reduce__(self):  # as it was made, when it crosses from a reading process (readahead.py)
        return _source_error, (self.message, self.line)


def _source_error(message: str, line: int | None) -> SourceError:
    return SourceError(message, line=line)
