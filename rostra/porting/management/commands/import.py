"""rostra import: bring discussions in from another system's file (see `--format`)."""

import gc
import re
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rostra.porting.load import load_records
from rostra.porting.progress import ImportProgress, counts_table
from rostra.porting.readahead import ReadAhead, can_read_ahead, offset_of, open_source
from rostra.porting.records import SourceError
from rostra.sites.models import Site

FORMATS = ("auto", "page", "disqus", "wxr", "remark42", "isso-json", "isso-db", "commento",
           "reddit", "rostra")
# Reddit: a thread page's JSON (`[{"kind": "Listing", …}, …]`) or an /api/morechildren answer
REDDIT = re.compile(rb'\[\s*\{\s*"kind"\s*:\s*"Listing"|\{\s*"json"\s*:\s*\{.*"things"\s*:', re.S)


def sniff(path: Path) -> str:
    """The format of a file, from its first bytes: a Disqus export is XML rooted at <disqus>."""
    from rostra.porting.issodb import is_sqlite

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
        raise CommandError(f"{path.name}: an XML file this version cannot import yet "
                           "(known: Disqus, WordPress, Remark42, Commento and Isso JSON exports, "
                           "Reddit threads)")
    return "page"


# Formats read from a stream: (binary?, reader of (stream, site)). XML and the large JSON exports
# are read as bytes (iterparse, ijson); JSON Lines and Reddit's files as text. Each reader's module
# (and its parser) is imported only when its format is read: start-up is most of the time a file of
# 10,000 comments takes.


def _disqus(stream, site):
    from rostra.porting.disqus import read_disqus

    return read_disqus(stream)


def _wxr(stream, site):
    from rostra.porting.wxr import read_wxr

    return read_wxr(stream, tz=site.tzinfo)


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


@contextmanager
def _fewer_collections():
    """An import allocates millions of short-lived objects and no reference cycles: Python's cyclic
    collector, run every 700 allocations by default, would take a quarter of its time."""
    threshold = gc.get_threshold()
    gc.freeze()  # what Django set up stays put: no collection walks it again
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


class Command(BaseCommand):
    # The models only: checking the URLs would import every view and API schema (a third of a
    # second) for a command that uses none of them.
    requires_system_checks = [Tags.models]
    help = "Import a file into a site. Running it again with the same file adds nothing."

    def add_arguments(self, parser):
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

    def handle(self, *args, file, format, site, on_error, dry_run, progress="auto", **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if format == "auto":
            format = sniff(path)
        with ImportProgress(name=path.name, total_bytes=path.stat().st_size, mode=progress,
                            stream=self.stderr._out) as shown, _fewer_collections():
            load = {"on_error": on_error, "dry_run": dry_run, "on_progress": shown.update}
            self.shown = shown
            if format == "rostra":
                return self.restore(path, site, load)
            return self.load(path, format, site, load)

    def load(self, path: Path, format: str, site: str, load: dict) -> None:
        file, dry_run = str(path), load["dry_run"]
        target = Site.objects.filter(slug=site).first()
        if target is None:
            raise CommandError(f"There is no site {site!r}. Create it with `rostra createsite`.")
        try:
            if format in STREAMED:
                binary, read = STREAMED[format]
                if can_read_ahead(path):
                    records = ReadAhead(path, lambda stream: read(stream, target), binary=binary)
                    self.shown.watch(records.position)
                    report = load_records(target, records, **load)
                else:
                    with open_source(path, binary=binary) as stream:
                        self.shown.watch(offset_of(stream))
                        report = load_records(target, read(stream, target), **load)
            elif format == "isso-db":
                from rostra.porting.issodb import read_isso_db

                report = load_records(target, read_isso_db(path, base=target.base_url), **load)
            else:
                from rostra.porting.page import read_page

                text = path.read_text(encoding="utf-8")
                article, comments = read_page(text, tz=target.tzinfo)
                report = load_records(target, [article, *comments], **{**load, "on_error": "stop"})
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read ({exc})") from None
        except SourceError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was imported.") from None
        self.finish(path, format, target, report, dry_run)

    def finish(self, path, format, target, report, dry_run) -> None:
        self.shown.update(report, final=True)
        self.shown.stop()
        prefix = "dry run, nothing written: " if dry_run else ""
        self.stdout.write(f"{prefix}{path.name} ({format}) → site {target.slug!r}: {report.summary()}")
        counts_table(report, stream=self.stdout._out, dry_run=dry_run)
        if report.broken_at:
            raise CommandError(f"{path.name} could not be read to its end ({report.broken_at}); "
                               "what came before it was imported.")

    def restore(self, path: Path, slug: str, load: dict) -> None:
        """Rostra's own export: the site is made from the export's header when it does not exist."""
        from rostra.porting.restore import read_header, restore_export, site_from_header

        try:
            # A dry run must not leave the site it made behind; a real one commits batch by batch.
            whole = transaction.atomic() if load["dry_run"] else nullcontext()
            with open_source(path, binary=False) as stream, whole:
                self.shown.watch(offset_of(stream))
                header = read_header(stream.readline())
                target = site_from_header(slug, header)
                report = restore_export(target, stream, **load)
                if load["dry_run"]:
                    transaction.set_rollback(True)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot be read ({exc})") from None
        except SourceError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was imported.") from None
        self.finish(path, "rostra", target, report, load["dry_run"])
