"""rostra export: a site's discussions in Rostra's own lossless format (JSON Lines), or as a Disqus
or WordPress (WXR) export for other systems."""

import sys
from contextlib import suppress

from django.core.management.base import BaseCommand, CommandError

from rostra.articles.external import normalise_url
from rostra.porting import disqus_export, rostra_format, wxr_export
from rostra.sites.queries import find_site

WRITERS = {"rostra": rostra_format.export_lines, "disqus": disqus_export.export_lines,
           "wxr": wxr_export.export_lines}
FORMATS = tuple(WRITERS)


class Command(BaseCommand):
    # No system checks: checking the URLs would import every view and API schema (a third of a
    # second), and the models' checks take 4 ms of a 10,000-comment import. `rostra check` and
    # every server start run them all; a file command is not where a broken install is found.
    requires_system_checks = []
    help = ("Export a site (or one article): Rostra's JSON Lines, or a Disqus or WordPress (WXR) XML "
            "file (docs/export-format.md).")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="rostra")
        parser.add_argument("--site", required=True, help="Slug of the site.")
        parser.add_argument("--article", metavar="URL", help="Only the discussion of this page.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here (default: standard output).")

    def handle(self, *args, format, site, article, output, **options):
        target = find_site(site)
        if target is None:
            raise CommandError(f"There is no site {site!r}.")
        try:
            article_url = normalise_url(article) if article else None
        except ValueError:
            raise CommandError(f"{article!r} is not a page address.") from None
        lines = 0
        stream = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            for line in WRITERS[format](target, article_url=article_url):
                stream.write(line + "\n")
                lines += line.count("\n") + 1  # XML text may hold newlines
            # A full disk is said here, not lost in what is still buffered when the process ends.
            stream.close() if output else stream.flush()
        except OSError as exc:
            raise CommandError(f"{output or 'the standard output'}: cannot be written ({exc})") from None
        finally:
            if output and not stream.closed:
                with suppress(OSError):  # what went wrong is said above
                    stream.close()
        if output:
            self.stderr.write(f"{output}: {lines} lines")
