"""The `rostra` command: Django's manage.py for Rostra (serve, migrate, createsite, import, demo, …)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rostra", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
