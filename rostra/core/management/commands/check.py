"""rostra check: Django's system checks, and with `--data` Rostra's consistency check of the stored
discussions (and SQLite's integrity check)."""

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as DjangoCheck

from rostra.discussion.integrity import check_data, database_integrity


class Command(DjangoCheck):
    help = DjangoCheck.help + " With --data: check the stored discussions too."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--data", action="store_true",
            help="Also check the stored threads: parents, paths, roots, counters, duplicate imports, "
                 "and the database file itself.",
        )

    def handle(self, *app_labels, data=False, **options):
        super().handle(*app_labels, **options)
        if not data:
            return
        verdict = database_integrity()
        self.stdout.write(f"database file: {verdict}")
        broken = 0
        for finding in check_data():
            mark = "ok" if not finding.broken else f"{finding.broken:,} rows break it"
            self.stdout.write(f"{finding.rule}: {mark}")
            broken += finding.broken
        if broken or verdict not in ("ok", "not checked (SQLite only)"):
            raise CommandError("The stored discussions are not consistent (see above).")
        self.stdout.write("The stored discussions are consistent.")
