"""rostra import: bring discussions in from another system's file (see `--format`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rostra.porting.disqus import read_disqus
from rostra.porting.load import load_records, load_thread
from rostra.porting.page import read_page
from rostra.porting.records import SourceError
from rostra.porting.wxr import read_wxr
from rostra.sites.models import Site

FORMATS = ("auto", "page", "disqus", "wxr")


def sniff(path: Path) -> str:
    """The format of a file, from its first bytes: a Disqus export is XML rooted at <disqus>."""
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    if b"<disqus" in head:  # even after stray bytes, which the reader passes over
        return "disqus"
    if b"<rss" in head and b"wordpress.org/export" in head:
        return "wxr"
    if head.startswith(b"<"):
        raise CommandError(f"{path.name}: an XML file this version cannot import yet "
                           "(known: Disqus and WordPress exports)")
    return "page"


class Command(BaseCommand):
    help = "Import a file into a site. Running it again with the same file adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMATS, default="auto",
                            help="What the file is (default: recognise it from its content).")
        parser.add_argument("--site", default="demo", help="Slug of the site (default: demo).")

    def handle(self, *args, file, format, site, **options):
        target = Site.objects.filter(slug=site).first()
        if target is None:
            raise CommandError(f"There is no site {site!r}. Create it with `rostra createsite`.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if format == "auto":
            format = sniff(path)
        try:
            if format in ("disqus", "wxr"):
                with path.open("rb") as stream:
                    if format == "disqus":
                        records = read_disqus(stream)
                    else:
                        records = read_wxr(stream, tz=target.tzinfo)
                    report = load_records(target, records)
            else:
                text = path.read_text(encoding="utf-8")
                article, comments = read_page(text, tz=target.tzinfo)
                report = load_thread(target, article, comments)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read ({exc})") from None
        except SourceError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was imported.") from None
        self.stdout.write(f"{path.name} ({format}) → site {target.slug!r}: {report.summary()}")
