"""The `rostra` command: Django's manage.py for Rostra (serve, migrate, createsite, import, demo, …)."""

import atexit
import gc
import os
import re
import sys
from importlib import import_module
from typing import NoReturn

# Import and export serve nothing and load no URLs: their start-up is most of the run for a file of
# 10,000 comments. They start without the apps that only serve pages: Django Ninja (the API docs
# page; importing it and pydantic is a tenth of a second), the admin (its forms, and every app's
# admin module), django-csp, partials, htmx, messages and static files.
FILE_COMMANDS = {"import", "export"}  # rostra.porting's
WEB_APPS = {"ninja", "django.contrib.admin", "csp", "template_partials", "django_htmx",
            "django.contrib.messages", "django.contrib.staticfiles"}
# What SQLite and PostgreSQL say of a table that is not there: a database never migrated.
MISSING_TABLE = re.compile(r"no such table|relation .* does not exist")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    file_command = bool(args) and args[0] in FILE_COMMANDS
    if file_command:
        _start_for_files(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.config.settings.base")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["rostra", *args])
    except DatabaseError as error:
        if not MISSING_TABLE.search(str(error)):
            raise
        sys.exit(f"rostra: the database has no Rostra tables yet ({error}); "
                 "run `rostra migrate` first.")
    finally:
        if file_command and argv is None:
            # A run that failed ends through Python's teardown (one that did its work, in _leave).
            # The teardown would run the cyclic garbage collector over every object still alive,
            # several times: Django's modules and models, a tenth of a second. Frozen objects are
            # passed over; they are still released by their reference counts, and files flushed
            # and closed. (What such a run leaves in cycles is argparse's parser, nothing holding
            # a file or a connection.)
            gc.freeze()
    if file_command and argv is None:
        _leave()


def _leave() -> NoReturn:
    """End a file command that has done its work without Python's teardown, which frees Django's
    modules and models object by object: 13 ms of a 10,000-comment import. What exit must still do
    is done first: the exit functions run (logging's, multiprocessing's) and the standard streams
    are flushed. The command has closed its files, and Django its database connections."""
    atexit._run_exitfuncs()
    status = 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            pass  # a reader that has gone (`| head`) took what it wanted
        except (OSError, ValueError) as error:  # a full disk: what was printed is not all there
            status = 1
            try:
                os.write(2, f"rostra: the output could not be written ({error})\n".encode())
            except OSError:
                pass
    os._exit(status)


def _start_for_files(args: list[str]) -> None:
    """Django set up for an import or an export (`args`), the command's module loaded and, for an
    import, the reading of its file started (readahead.start_early). Start-up makes
    some 100,000 objects that live as long as the process; the cyclic collector, run every 700
    allocations, would walk them again and again (35 ms of 0.2 s). It is off until they are all
    made, then they are frozen: the collections of the run pass over them."""
    gc.disable()
    try:
        command = args[0]
        if command == "import":
            from rostra.porting.readahead import start_early

            start_early(args[1:])  # the file is read while Django starts
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.config.settings.base")
        import django
        from django.conf import settings

        settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app not in WEB_APPS]
        django.setup()
        import_module(f"rostra.porting.management.commands.{command}")
    finally:
        gc.freeze()
        gc.enable()


if __name__ == "__main__":
    main()
