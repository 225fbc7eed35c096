"""rostra serve: run Rostra under granian (WSGI), static files served by whitenoise."""

import os
import shutil
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Rostra over HTTP with granian."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--workers", type=int, default=1, help="Processes (default 1).")
        # One request at a time per process, like gunicorn's sync workers: Rostra's requests are
        # Python work and SQLite's (which has one writer); more threads in a process only take
        # turns at the interpreter lock, and writers waiting for each other sleep in SQLite's busy
        # handler. Measured on 2 cores with 2 workers: posting at 8 connections about 750/s with one
        # thread against about 500/s with five, thread-page reads within 10%, 65 MB less memory.
        # Scale with --workers; raise --threads where requests wait on a remote database.
        parser.add_argument("--threads", type=int, default=1,
                            help="Requests each process works on at once (default 1; scale with "
                                 "--workers, raise this when the database is across a network).")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="Do not gather static files first.")

    def handle(self, *args, host, port, workers, threads, no_collectstatic, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Rostra is serving on http://{shown_host}:{port}/  (Ctrl-C stops it)")
        self.stdout.flush()
        os.execvp(granian, [
            granian, "--interface", "wsgi", "--host", host, "--port", str(port),
            # No --backpressure: granian counts open connections against it, and browsers keep
            # several idle keep-alive connections each; a low cap leaves new ones waiting.
            "--workers", str(workers), "--blocking-threads", str(threads),
            # A worker that dies (killed, out of memory) is replaced; the others serve meanwhile.
            "--respawn-failed-workers", "--respawn-interval", "1",
            "--no-ws", "--log-level", "warning",
            "rostra.config.wsgi:application",
        ])
