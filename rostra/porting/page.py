"""read_page: the plain-text news page format (headline, byline, body with a captioned figure, comments).

The comment section repeats one block per comment:

    AUTHOR [PARENT_AUTHOR] Day, MM/DD/YYYY - HH:MM Permalink
    <blank line>
    body paragraph(s)
    <blank line>
    In reply to by PARENT_AUTHOR        (replies only)

A reply's header names its author and then its parent's author; the closing line names the parent
again, which is how a multi-word author name is told apart. Parents the page names but does not hold
become placeholders, one per reply, so every reply hangs where it hung. Times are the site's local time.
Text is kept as displayed: nothing is read as markdown.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from rostra.porting.records import ArticleRecord, CommentRecord, SourceError

SOURCE = "page"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HEADER = re.compile(
    r"^(?P<names>\S.*?) (?P<day>Mon|Tue|Wed|Thu|Fri|Sat|Sun), "
    r"(?P<month>\d{2})/(?P<dom>\d{2})/(?P<year>\d{4}) - (?P<hour>\d{2}):(?P<minute>\d{2}) "
    r"Permalink\s*$"
)
# Anything that starts like a header but fails HEADER is a damaged header, not body text.
LOOKS_LIKE_HEADER = re.compile(r" (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2}/|\sPermalink\s*$")
BYLINE = re.compile(r"^Submitted by (?P<by>.+?)(?: via (?P<via>.+?))?,?\s*$")
REPLY_LINE = re.compile(r"^In reply to by (?P<parent>.+?)\s*$")
IMAGE_SOURCE = re.compile(r"^(?P<caption>.*?)\s*Image source:\s*(?P<credit>.+?)\s*$")


def read_page(text: str, *, tz: ZoneInfo) -> tuple[ArticleRecord, list[CommentRecord]]:
    """Read a page into an article and its comments (placeholders first where a parent is missing).

    Raises SourceError naming the line it could not read; nothing is returned half-read.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = list(enumerate(lines, start=1))
    first_header = next((n for n, line in numbered if HEADER.match(line)), None)
    article_part = numbered[: first_header - 1] if first_header else numbered
    article = _read_article(article_part)
    comments = _read_comments(numbered[first_header - 1 :], tz) if first_header else []
    return article, comments


def _paragraphs(numbered):
    """Groups of consecutive non-blank lines, each with the number of its first line."""
    paragraph, start = [], None
    for n, line in numbered:
        if line.strip():
            if not paragraph:
                start = n
            paragraph.append(line.strip())
        elif paragraph:
            yield start, paragraph
            paragraph = []
    if paragraph:
        yield start, paragraph


def _read_article(numbered) -> ArticleRecord:
    paragraphs = list(_paragraphs(numbered))
    if not paragraphs:
        raise SourceError("the page is empty: expected a headline", line=1)
    for n, lines in paragraphs:
        for offset, line in enumerate(lines):
            if LOOKS_LIKE_HEADER.search(line):
                raise SourceError(f"cannot read this comment header: {line[:80]!r}", line=n + offset)
    (title_line, title), *rest = paragraphs
    if len(title) > 1:
        raise SourceError("expected a blank line after the headline", line=title_line + 1)
    if not rest:
        raise SourceError("the page ends after its headline: expected 'Submitted by …'",
                          line=title_line + 1)
    (byline_line, byline), *body = rest
    match = BYLINE.match(" ".join(byline))
    if not match:
        raise SourceError(f"expected 'Submitted by NAME via OUTLET', found {byline[0][:80]!r}",
                          line=byline_line)
    record = ArticleRecord(
        source=SOURCE,
        source_id=slugify(title[0])[:200] or "page",
        slug=slugify(title[0])[:200] or "page",
        title=title[0],
        submitted_by=match["by"].strip(),
        via=(match["via"] or "").strip().rstrip(","),
    )
    kept = []
    for _, lines in body:
        paragraph = "\n".join(lines)
        figure = IMAGE_SOURCE.match(" ".join(lines))
        if figure and not record.image_credit:
            record.image_caption = figure["caption"]
            record.image_credit = figure["credit"]
            record.image_position = len(kept)
        else:
            kept.append(paragraph)
    record.body = "\n\n".join(kept)
    return record


def _parse_time(match, line: int, tz: ZoneInfo) -> datetime:
    try:
        naive = datetime(int(match["year"]), int(match["month"]), int(match["dom"]),
                         int(match["hour"]), int(match["minute"]))
    except ValueError as exc:
        raise SourceError(f"the time in this comment header is not a real time ({exc})",
                          line=line) from None
    if DAYS[naive.weekday()] != match["day"]:
        raise SourceError(
            f"{match['month']}/{match['dom']}/{match['year']} was a {DAYS[naive.weekday()]}, "
            f"not a {match['day']}: the header is damaged", line=line,
        )
    return naive.replace(tzinfo=tz)


def _read_comments(numbered, tz: ZoneInfo) -> list[CommentRecord]:
    blocks = []
    for n, line in numbered:
        if HEADER.match(line):
            blocks.append((n, line, []))
        elif LOOKS_LIKE_HEADER.search(line):
            raise SourceError(f"cannot read this comment header: {line[:80]!r}", line=n)
        else:
            blocks[-1][2].append((n, line))
    records = []
    seen: dict[str, int] = {}
    for n, header, body_lines in blocks:
        block = _read_block(n, HEADER.match(header), body_lines, tz)
        comment = block[-1]
        # The same author in the same minute twice is two comments: number the repeats, so the
        # ids stay stable across re-imports of the same page.
        seen[comment.source_id] = seen.get(comment.source_id, 0) + 1
        if seen[comment.source_id] > 1:
            suffix = f"#{seen[comment.source_id]}"
            comment.source_id += suffix
            if comment.parent_source_id:
                block[0].source_id += suffix
                comment.parent_source_id = block[0].source_id
        records.extend(block)
    return records


def _read_block(n, header, body_lines, tz) -> list[CommentRecord]:
    created = _parse_time(header, n, tz)
    paragraphs = list(_paragraphs(body_lines))
    parent_name = None
    if paragraphs and len(paragraphs[-1][1]) == 1 and REPLY_LINE.match(paragraphs[-1][1][0]):
        parent_name = REPLY_LINE.match(paragraphs.pop()[1][0])["parent"]
    for start, lines in paragraphs:
        for offset, line in enumerate(lines):
            if REPLY_LINE.match(line):
                raise SourceError("'In reply to by' must close its comment; text follows it",
                                  line=start + offset)
    names = header["names"].strip()
    if parent_name is not None:
        if not names.endswith(" " + parent_name):
            raise SourceError(
                f"the header names {names!r}, but the comment replies to {parent_name!r}",
                line=n,
            )
        author = names[: -len(parent_name) - 1].strip()
    else:
        author = names
    if not author:
        raise SourceError("this comment header names no author", line=n)
    if not paragraphs:
        raise SourceError(f"the comment by {author} has no text (is the page cut short?)", line=n)
    source_id = f"{author}@{created.isoformat()}"
    body = "\n\n".join("\n".join(lines) for _, lines in paragraphs)
    comment = CommentRecord(
        source_id=source_id, parent_source_id=None, author_name=author, body=body,
        created=created, line=n,
    )
    if parent_name is None:
        return [comment]
    placeholder = CommentRecord(
        source_id=f"missing-parent-of:{source_id}", parent_source_id=None,
        author_name=parent_name, body="", created=None, is_placeholder=True, line=n,
    )
    comment.parent_source_id = placeholder.source_id
    return [placeholder, comment]
