"""What an import shows while it runs and when it ends.

On a terminal: a progress bar (rich) with the share of the file read, comments stored, their rate and
the time left. Elsewhere (a log, CI): a plain line every few seconds. At the end: a table of counts
per kind (drawn by rich on a terminal, written as the same text elsewhere). `--progress never` shows
nothing while it runs.
"""

import os
import sys
import time
from collections.abc import Callable

from rostra.porting.records import ImportReport

# rich is imported only where it draws on a terminal, not with this module: loading it takes about
# 20 ms, and an import of a small file spends most of its time starting up.

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


COUNT_HEADINGS = ("imported", "already here")


def counts_table(report: ImportReport, *, stream, dry_run: bool) -> None:
    """The end-of-run table: imported and already-present counts per kind."""
    title = "would be imported (dry run)" if dry_run else None
    rows = [
        ("articles", f"{report.articles_created:,}", f"{report.articles_existing:,}"),
        ("comments", f"{report.comments_created:,}", f"{report.comments_existing:,}"),
        ("  of which placeholders", f"{report.placeholders_created:,}", ""),
        ("authors", f"{len(report.authors):,}", ""),
        ("skipped", f"{len(report.skipped):,}", ""),
        ("not comments (pingbacks…)", f"{report.skipped_by_design:,}", ""),
    ]
    if not _may_style(stream):
        stream.write(_plain_table(title, rows))
        stream.flush()
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, box=None, show_edge=False, pad_edge=False)
    table.add_column("")
    for heading in COUNT_HEADINGS:
        table.add_column(heading, justify="right")
    for row in rows:
        table.add_row(*row)
    Console(file=stream, width=100, highlight=False).print(table)


def _may_style(stream) -> bool:
    """Whether rich would style its output on `stream`: a terminal, or the variables that tell it
    to treat anything as one."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _plain_table(title: str | None, rows: list[tuple[str, str, str]]) -> str:
    """The table as rich lays it out unstyled (a log, a pipe, a file), without loading rich (about
    20 ms of a 10,000-comment import): labels left, counts right, two spaces between columns, every
    line as wide as the table, the title centred over it. tests/porting/test_progress.py holds the
    two to the same bytes."""
    lines = [("", *COUNT_HEADINGS), *rows]
    label = max(len(line[0]) for line in lines)
    widths = [max(len(line[i]) for line in lines) for i in (1, 2)]
    text = [f"{line[0]:<{label}}  {line[1]:>{widths[0]}}  {line[2]:>{widths[1]}}" for line in lines]
    if title:
        width = label + widths[0] + widths[1] + 4
        left = (width - len(title)) // 2
        text.insert(0, " " * left + title + " " * (width - len(title) - left))
    return "".join(f"{line}\n" for line in text)
