"""What an import shows while it runs and when it ends.

On a terminal: a progress bar (rich) with the share of the file read, comments stored, their rate and
the time left. Elsewhere (a log, CI): a plain line every few seconds. At the end: a table of counts
per kind. `--progress never` shows nothing while it runs.
"""

import sys
import time
from collections.abc import Callable

from rostra.porting.records import ImportReport

# rich is imported where it draws (the bar on a terminal, the table at the end), not with this module:
# an import of a small file spends most of its time starting up.

LOG_EVERY_SECONDS = 5.0


class ImportProgress:
    """Call `update(report)` as records go in (cheap: it looks at the clock only every so often).
    `position` tells how many bytes of the file have been read, when that is known."""

    def __init__(self, *, name: str, total_bytes: int | None, position: Callable[[], int] | None = None,
                 mode: str = "auto", stream=None):
        self.stream = stream or sys.stderr
        self.mode = "never" if mode == "never" else ("bar" if self.stream.isatty() else "log")
        self.name = name
        self.total = total_bytes or None
        self.position = position if total_bytes else None
        self.started = time.monotonic()
        self.last_shown = self.started
        self.calls = 0
        self.bar = None
        self.task = None

    def watch(self, position: Callable[[], int]) -> None:
        """Measure progress by `position()`, the bytes of the file read so far."""
        if self.total:
            self.position = position

    def _done(self, final: bool) -> int | None:
        if self.position is None:
            return None
        try:
            return self.position()
        except (ValueError, OSError):  # the file is closed: it was read to its end
            return self.total if final else None

    def __enter__(self):
        if self.mode == "bar":
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                TimeRemainingColumn(), console=Console(file=self.stream), transient=False,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.name, total=self.total)
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def update(self, report: ImportReport, *, final: bool = False) -> None:
        self.calls += 1
        if self.mode == "never" or (self.calls % 200 and not final):
            return
        now = time.monotonic()
        stored = report.comments_created + report.comments_existing
        rate = stored / max(now - self.started, 1e-6)
        done = self._done(final)
        if self.bar is not None:
            self.bar.update(self.task, completed=done if done is not None else 0,
                            description=f"{self.name}: {stored:,} comments, {rate:,.0f}/s")
            return
        if not final and now - self.last_shown < LOG_EVERY_SECONDS:
            return
        self.last_shown = now
        share = left = ""
        if done is not None and self.total:
            fraction = min(1.0, done / self.total)
            share = f"{fraction:.0%} of the file, "
            if fraction and not final:
                left = f", about {(now - self.started) * (1 - fraction) / fraction:,.0f} s left"
        print(f"import {self.name}: {share}{stored:,} comments, {rate:,.0f}/s{left}",
              file=self.stream, flush=True)


def counts_table(report: ImportReport, *, stream, dry_run: bool) -> None:
    """The end-of-run table: imported and already-present counts per kind."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="would be imported (dry run)" if dry_run else None, box=None,
                  show_edge=False, pad_edge=False)
    table.add_column("")
    table.add_column("imported", justify="right")
    table.add_column("already here", justify="right")
    table.add_row("articles", f"{report.articles_created:,}", f"{report.articles_existing:,}")
    table.add_row("comments", f"{report.comments_created:,}", f"{report.comments_existing:,}")
    table.add_row("  of which placeholders", f"{report.placeholders_created:,}", "")
    table.add_row("authors", f"{len(report.authors):,}", "")
    table.add_row("skipped", f"{len(report.skipped):,}", "")
    table.add_row("not comments (pingbacks…)", f"{report.skipped_by_design:,}", "")
    Console(file=stream, width=100, highlight=False).print(table)
