"""What `rostra import` reads: its arguments, the formats it knows, how a file's format is recognised,
and the reader of each format read as a stream.

Nothing here needs Django to be set up: the reading process of a large file starts before it is
(readahead.py), so the file is read while Django starts.
"""

import re
from pathlib import Path

FORMATS = ("auto", "page", "disqus", "wxr", "remark42", "isso-json", "isso-db", "commento",
           "reddit", "rostra")
SQLITE_MAGIC = b"SQLite format 3\x00"
# Reddit: a thread page's JSON (`[{"kind": "Listing", …}, …]`) or an /api/morechildren answer
REDDIT = re.compile(rb'\[\s*\{\s*"kind"\s*:\s*"Listing"|\{\s*"json"\s*:\s*\{.*"things"\s*:', re.S)


class UnknownFormat(ValueError):
    """The file's first bytes are of no format Rostra imports."""


def add_arguments(parser) -> None:
    """The arguments of `rostra import` (an argparse parser's)."""
    parser.add_argument("file")
    parser.add_argument("--format", choices=FORMATS, default="auto",
                        help="What the file is (default: recognise it from its content).")
    parser.add_argument("--site", default="demo", help="Slug of the site (default: demo).")
    parser.add_argument(
        "--on-error", choices=("skip", "stop"), default="skip",
        help="skip (default): leave out a bad record and say so; a file that breaks off keeps "
             "what came before (and the command fails). stop: the first problem imports nothing.",
    )
    parser.add_argument("--dry-run", action="store_true",
                        help="Read and check everything, report, and write nothing.")
    parser.add_argument(
        "--progress", choices=("auto", "never"), default="auto",
        help="auto (default): a progress bar on a terminal, a line every few seconds otherwise.",
    )


def is_sqlite(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def sniff(path: Path) -> str:
    """The format of a file, from its first bytes: a Disqus export is XML rooted at <disqus>.
    UnknownFormat for XML, JSON or JSON Lines of no known system."""
    if is_sqlite(path):
        return "isso-db"  # the only database format; the reader refuses one that is not Isso's
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b'{"type": "rostra-export"'):
        return "rostra"
    if b"<disqus" in head:  # even after stray bytes, which the reader passes over
        return "disqus"
    if b"<rss" in head and b"wordpress.org/export" in head or b"<wp:comment>" in head:
        return "wxr"
    if REDDIT.match(head):
        return "reddit"
    remark42_meta = head.startswith(b'{"version"') and b'"users"' in head
    if remark42_meta or head.startswith(b"{") and b'"locator"' in head:
        return "remark42"
    if head.startswith(b"[") and b'"comments"' in head:
        return "isso-json"
    if head.startswith(b"{") and b'"commentHex"' in head:
        return "commento"
    if head.startswith((b"<", b"{", b"[")):
        raise UnknownFormat(f"{path.name}: an XML file this version cannot import yet "
                            "(known: Disqus, WordPress, Remark42, Commento and Isso JSON exports, "
                            "Reddit threads)")
    return "page"


# Formats read from a stream: (binary?, reader of (stream, site)). XML and the large JSON exports
# are read as bytes (iterparse, ijson); JSON Lines and Reddit's files as text. Each reader's module
# (and its parser) is imported only when its format is read: start-up is most of the time a file of
# 10,000 comments takes. `site` gives the site's `tzinfo` and `base_url`; a reader asks for them
# only when it needs them, as a reading process started early waits for them (readahead.py).


def _disqus(stream, site):
    from rostra.porting.disqus import read_disqus

    return read_disqus(stream)


def _wxr(stream, site):
    from rostra.porting.wxr import read_wxr

    return read_wxr(stream, zone=lambda: site.tzinfo)  # for times given in local time alone


def _isso_json(stream, site):
    from rostra.porting.jsonformats import read_isso_json

    return read_isso_json(stream, base=site.base_url)


def _commento(stream, site):
    from rostra.porting.jsonformats import read_commento

    return read_commento(stream)


def _remark42(stream, site):
    from rostra.porting.jsonformats import read_remark42

    return read_remark42(stream)


def _reddit(stream, site):
    from rostra.porting.reddit import read_reddit

    return read_reddit(stream)


STREAMED = {
    "disqus": (True, _disqus),
    "wxr": (True, _wxr),
    "isso-json": (True, _isso_json),
    "commento": (True, _commento),
    "remark42": (False, _remark42),
    "reddit": (False, _reddit),
}
