"""rostra import: bring discussions in from another system's file (see `--format`)."""

from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rostra.porting.disqus import read_disqus
from rostra.porting.issodb import is_sqlite, read_isso_db
from rostra.porting.jsonformats import read_commento, read_isso_json, read_remark42
from rostra.porting.load import load_records
from rostra.porting.page import read_page
from rostra.porting.records import SourceError
from rostra.porting.restore import read_header, restore_export, site_from_header
from rostra.porting.wxr import read_wxr
from rostra.sites.models import Site

FORMATS = ("auto", "page", "disqus", "wxr", "remark42", "isso-json", "isso-db", "commento", "rostra")


def sniff(path: Path) -> str:
    """The format of a file, from its first bytes: a Disqus export is XML rooted at <disqus>."""
    if is_sqlite(path):
        return "isso-db"  # the only database format; the reader refuses one that is not Isso's
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b'{"type": "rostra-export"'):
        return "rostra"
    if b"<disqus" in head:  # even after stray bytes, which the reader passes over
        return "disqus"
    if b"<rss" in head and b"wordpress.org/export" in head:
        return "wxr"
    remark42_meta = head.startswith(b'{"version"') and b'"users"' in head
    if remark42_meta or head.startswith(b"{") and b'"locator"' in head:
        return "remark42"
    if head.startswith(b"[") and b'"comments"' in head:
        return "isso-json"
    if head.startswith(b"{") and b'"commentHex"' in head:
        return "commento"
    if head.startswith((b"<", b"{", b"[")):
        raise CommandError(f"{path.name}: an XML file this version cannot import yet "
                           "(known: Disqus, WordPress, Remark42, Commento and Isso JSON exports)")
    return "page"


def site_base(site: Site) -> str:
    """Where a site's page paths live: its first origin, else https:// and its first domain."""
    if site.origins:
        return site.origins[0]
    return f"https://{site.domains[0]}" if site.domains else ""


class Command(BaseCommand):
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

    def handle(self, *args, file, format, site, on_error, dry_run, **options):
        load = {"on_error": on_error, "dry_run": dry_run}
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if format == "auto":
            format = sniff(path)
        if format == "rostra":
            return self.restore(path, site, load)
        target = Site.objects.filter(slug=site).first()
        if target is None:
            raise CommandError(f"There is no site {site!r}. Create it with `rostra createsite`.")
        try:
            if format in ("disqus", "wxr"):
                with path.open("rb") as stream:
                    if format == "disqus":
                        records = read_disqus(stream)
                    else:
                        records = read_wxr(stream, tz=target.tzinfo)
                    report = load_records(target, records, **load)
            elif format == "isso-db":
                report = load_records(target, read_isso_db(path, base=site_base(target)), **load)
            elif format in ("remark42", "isso-json", "commento"):
                with path.open(encoding="utf-8") as stream:
                    if format == "remark42":
                        records = read_remark42(stream)
                    elif format == "commento":
                        records = read_commento(stream)
                    else:
                        records = read_isso_json(stream, base=site_base(target))
                    report = load_records(target, records, **load)
            else:
                text = path.read_text(encoding="utf-8")
                article, comments = read_page(text, tz=target.tzinfo)
                report = load_records(target, [article, *comments], dry_run=dry_run, on_error="stop")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read ({exc})") from None
        except SourceError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was imported.") from None
        self.finish(path, format, target, report, dry_run)

    def finish(self, path, format, target, report, dry_run) -> None:
        prefix = "dry run, nothing written: " if dry_run else ""
        self.stdout.write(f"{prefix}{path.name} ({format}) → site {target.slug!r}: {report.summary()}")
        if report.broken_at:
            raise CommandError(f"{path.name} could not be read to its end ({report.broken_at}); "
                               "what came before it was imported.")

    def restore(self, path: Path, slug: str, load: dict) -> None:
        """Rostra's own export: the site is made from the export's header when it does not exist."""
        try:
            # A dry run must not leave the site it made behind; a real one commits batch by batch.
            whole = transaction.atomic() if load["dry_run"] else nullcontext()
            with path.open(encoding="utf-8") as stream, whole:
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
