"""The `rostra` command: Django's manage.py for Rostra (serve, migrate, createsite, import, demo, …)."""

import os
import re
import sys

# Commands that serve nothing and load no URLs leave out Django Ninja's app, whose templates and
# static files only the API's docs page uses: importing it (and pydantic) is a tenth of a second at
# start-up, a fifth of the time an import of 10,000 comments takes.
WITHOUT_WEB_APPS = {"import", "export"}
WEB_APPS = {"ninja"}
# What SQLite and PostgreSQL say of a table that is not there: a database never migrated.
MISSING_TABLE = re.compile(r"no such table|relation .* does not exist")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.config.settings.base")
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in WITHOUT_WEB_APPS:
        settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app not in WEB_APPS]
    try:
        execute_from_command_line(["rostra", *args])
    except DatabaseError as error:
        if not MISSING_TABLE.search(str(error)):
            raise
        sys.exit(f"rostra: the database has no Rostra tables yet ({error}); "
                 "run `rostra migrate` first.")


if __name__ == "__main__":
    main()
