"""Reading ahead: a file's records read and rendered in a second process while this one stores them.

Reading an export (parsing XML or JSON, building records) and rendering each comment's body to safe
HTML is about half of an import's work, and none of it touches the database. A forked child does it
and hands the records over a pipe in chunks, each with how far into the file it has read (for the
progress bar); the importing process only stores.

`rostra import` starts that child first thing, before Django is set up (`start_early`, called by
rostra.cli): Django's start-up is a fifth of a second, in which the child reads several thousand
comments. The child does not know the site then; a reader that needs the site's time zone or
address asks for them when it first does, and waits until the importing process has found the
site and sent them (`ReadAhead.give_site`).

The child writes to the pipe from a thread, behind a queue of at most QUEUED chunks: it goes on
reading while the pipe is full (the importing process is busy storing a batch, or still starting),
and memory stays bounded whatever the file's size.

An exception in the child (a SourceError for a file that breaks off, an undecodable byte) arrives
after the records read before it and is raised here at the same point of the stream, so
`--on-error` and the command's messages work as they do in one process. The child never touches
the database, and dies with its parent: a parent killed (kill -9) closes the pipe, and the child's
next write fails.
"""

import argparse
import gc
import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Iterator
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import NamedTuple

from rostra.core.markup import render
from rostra.porting.formats import STREAMED, add_arguments, sniff
from rostra.porting.records import CommentRecord

CHUNK = 256  # records per message: large enough that pickling costs little per record
FIRST_CHUNK = 16  # the storing process has nothing to do until the first message comes
QUEUED = 48  # chunks pickled and waiting for the pipe: about 4.5 MB of WXR comments (12,000)
PIPE_BYTES = 1 << 20  # the pipe's own buffer; 1 MB is what Linux grants without privileges
WORTH_IT = 1 << 20  # bytes: below this a fork costs more than it saves


def can_read_ahead(path: Path) -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and path.stat().st_size >= WORTH_IT


class SiteFacts(NamedTuple):
    """What a reader may need of the site it reads for."""

    tzinfo: object
    base_url: str


class ReadAhead:
    """Iterate to get the records of the file at `path` in `format` (one of formats.STREAMED), with
    bodies rendered (`CommentRecord.body_html`). `site` is None when the reading starts before the
    site is known (then `give_site`). `position()` is how many bytes the child has read."""

    def __init__(self, path: Path, format: str, site=None):
        self.path, self.format, self.site = path, format, site
        self.read_bytes = 0
        self.child = self.receiving = self.site_sending = self.site_receiving = None

    def position(self) -> int:
        return self.read_bytes

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        self.receiving, sending = context.Pipe(duplex=False)
        _widen(sending)
        if self.site is None:
            self.site_receiving, self.site_sending = context.Pipe(duplex=False)
        self.child = context.Process(target=self._produce, args=(sending,), daemon=True)
        self.child.start()
        sending.close()  # the child holds the only sending end: its death ends the stream
        if self.site_receiving is not None:
            self.site_receiving.close()

    def give_site(self, site) -> None:
        """The site, for a child that started before it was known (a reader asks when it needs it)."""
        self.site = site
        if self.site_sending is not None:
            try:  # a zone this system does not know is raised where a reader needs it, as without
                facts = SiteFacts(site.tzinfo, site.base_url)  # reading ahead
            except Exception as exc:  # noqa: BLE001
                facts = exc
            try:
                self.site_sending.send(facts)
            except OSError:
                pass  # the child has ended: it read the whole file without needing the site
            self.site_sending.close()
            self.site_sending = None

    def __iter__(self) -> Iterator:
        if self.child is None:
            self.start()
        try:
            while True:
                try:
                    kind, position, payload = self.receiving.recv()
                except EOFError:
                    raise RuntimeError(f"the process reading {self.path.name} stopped without a "
                                       f"word (exit code {self.child.exitcode})") from None
                self.read_bytes = position
                if kind == "records":
                    yield from payload
                elif kind == "raised":
                    raise payload
                else:
                    return
        finally:
            self.stop()

    def stop(self) -> None:
        """Close the pipes and end the child (at once, if it is still reading)."""
        for end in (self.receiving, self.site_sending):
            if end is not None:
                end.close()
        self.receiving = self.site_sending = None
        if self.child is not None:
            if self.child.is_alive():
                self.child.kill()
            self.child.join()

    def _produce(self, sending) -> None:
        """The child: read, render, send. Exits through os._exit (multiprocessing's fork does), so
        nothing inherited from the parent (its database connection) is closed or flushed here."""
        gc.enable()  # a child started early comes from a parent starting up with it off (rostra.cli)
        # Ends of the pipes that are the parent's: else a pipe keeps a reader (or a writer) when the
        # parent dies, and the child waits on it forever.
        self.receiving.close()
        if self.site_sending is not None:
            self.site_sending.close()
        site = self.site if self.site is not None else _SiteLater(self.site_receiving)
        binary, read = STREAMED[self.format]
        out = _Sender(sending)
        chunk: list = []
        size = min(FIRST_CHUNK, CHUNK)
        where = 0  # bytes read when the last chunk left
        try:
            with open_source(self.path, binary=binary) as stream:
                tell = offset_of(stream)
                for record in read(stream, site):
                    if type(record) is CommentRecord and record.body_html is None:
                        record.body_html = render(record.body, record.body_format)
                    chunk.append(record)
                    if len(chunk) == size:
                        where = tell()
                        out.send(("records", where, chunk))
                        chunk, size = [], CHUNK
            where = os.path.getsize(self.path)
            out.send(("records", where, chunk))
            out.send(("end", where, None))
        except BaseException as exc:  # noqa: BLE001 (raised in the parent, where it would have been)
            out.send(("records", where, chunk))
            try:
                out.send(("raised", where, exc))
            except Exception:  # noqa: BLE001 (an exception that does not pickle)
                out.send(("raised", where, RuntimeError(traceback.format_exc())))
        finally:
            out.close()


class _Sender:
    """Messages pickled by the reading thread and written to the pipe by another, behind a queue of
    at most QUEUED: a write that waits for the importing process no longer stops the reading."""

    def __init__(self, connection):
        self.connection = connection
        self.queue: queue.Queue = queue.Queue(QUEUED)
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def send(self, message) -> None:
        self.queue.put(ForkingPickler.dumps(message))  # raises here for what does not pickle

    def close(self) -> None:
        """Once every message is written."""
        self.queue.put(None)
        self.thread.join()
        self.connection.close()

    def _write(self) -> None:
        while (data := self.queue.get()) is not None:
            try:
                self.connection.send_bytes(data)
            except OSError:  # the importing process has gone: nothing waits for these records
                os._exit(0)
            except BaseException:  # noqa: BLE001 (out of memory): the reader would wait on a full
                os._exit(1)  # queue forever; the importing process sees the pipe end instead


class _SiteLater:
    """The site's facts in a child started before the site was known: asked of the parent the first
    time a reader needs one."""

    def __init__(self, connection):
        self.connection, self.facts = connection, None

    def __getattr__(self, name: str):
        if self.facts is None:
            try:
                self.facts = self.connection.recv()
            except EOFError:  # the importing process stopped before it found the site
                os._exit(0)
        if isinstance(self.facts, Exception):
            raise self.facts
        return getattr(self.facts, name)


# The reading process `start_early` started for this run of `rostra import`, until the command
# takes it (`reading_ahead`).
_early: ReadAhead | None = None


class _Arguments(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def start_early(argv: list[str]) -> None:
    """Start reading the file of `rostra import` (its arguments: `argv`) before Django is set up.
    Anything else (a small file, a format read in one piece, arguments the command will refuse)
    leaves the reading to the command, which says what is wrong."""
    global _early
    parser = _Arguments(add_help=False)
    add_arguments(parser)
    try:
        options, _ = parser.parse_known_args(argv)
        path = Path(options.file)
        format = sniff(path) if options.format == "auto" else options.format
        if format in STREAMED and can_read_ahead(path):
            _early = ReadAhead(path, format)
            _early.start()
    except (ValueError, OSError):
        return


def reading_ahead(path: Path, format: str, site) -> ReadAhead | None:
    """The reading process for `path`: the one started early if it reads the same file in the same
    format, else a new one if the file is large enough; None: read it in this process."""
    global _early
    early, _early = _early, None
    if early is not None:
        if early.path == path and early.format == format:
            early.give_site(site)
            return early
        early.stop()  # it guessed the arguments wrong
    return ReadAhead(path, format, site) if format in STREAMED and can_read_ahead(path) else None


def _widen(pipe) -> None:
    """A larger buffer for the pipe, where the system allows it (64 KB, under one chunk, otherwise)."""
    try:
        import fcntl  # POSIX only

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or a lower limit: the default buffer works, only with more waiting


def open_source(path: Path, *, binary: bool):
    """The file as its reader takes it: bytes (XML, large JSON) or UTF-8 text (JSON Lines)."""
    return path.open("rb") if binary else path.open(encoding="utf-8")


def offset_of(stream):
    """A function giving how many bytes of its file `stream` has read (a text stream asks its buffer)."""
    return stream.tell if "b" in stream.mode else stream.buffer.tell
