"""rostra import: bring a discussion in from another system's file (see `--format`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rostra.porting.load import load_thread
from rostra.porting.page import read_page
from rostra.porting.records import SourceError
from rostra.sites.models import Site

FORMATS = ("page",)


class Command(BaseCommand):
    help = "Import a file into a site. Running it again with the same file adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMATS, default="page")
        parser.add_argument("--site", default="demo", help="Slug of the site (default: demo).")

    def handle(self, *args, file, format, site, **options):
        target = Site.objects.filter(slug=site).first()
        if target is None:
            raise CommandError(f"There is no site {site!r}. Create it with `rostra createsite`.")
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read as UTF-8 text ({exc})") from None
        try:
            article, comments = read_page(text, tz=target.tzinfo)
            report = load_thread(target, article, comments)
        except SourceError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was imported.") from None
        self.stdout.write(f"{path.name} → site {target.slug!r}: {report.summary()}")
