"""rostra import: bring discussions in from another system's file (see `--format`)."""

import gc
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from rostra.porting import formats
from rostra.porting.load import load_records
from rostra.porting.progress import ImportProgress, counts_table
from rostra.porting.readahead import offset_of, open_source, reading_ahead
from rostra.porting.records import SourceError
from rostra.sites.models import Site


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
    # No system checks: checking the URLs would import every view and API schema (a third of a
    # second), and the models' checks take 4 ms of a 10,000-comment import. `rostra check` and
    # every server start run them all; a file command is not where a broken install is found.
    requires_system_checks = []
    help = "Import a file into a site. Running it again with the same file adds nothing."

    def add_arguments(self, parser):
        formats.add_arguments(parser)

    def handle(self, *args, file, format, site, on_error, dry_run, progress="auto", **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if format == "auto":
            try:
                format = formats.sniff(path)
            except formats.UnknownFormat as exc:
                raise CommandError(str(exc)) from None
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
            records = reading_ahead(path, format, target)
            if records is not None:
                self.shown.watch(records.position)
                report = load_records(target, records, **load)
            elif format in formats.STREAMED:
                binary, read = formats.STREAMED[format]
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
        except IntegrityError as exc:
            # The import knows the site's pages from when it started: a reader's first comment on one
            # of them meanwhile makes its page, and the import's copy collides with it.
            raise CommandError(f"{file}: another writer stored a page of this file while it was "
                               f"being imported ({exc}). Run the same command again: it adds only "
                               "what is not there yet.") from None
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
