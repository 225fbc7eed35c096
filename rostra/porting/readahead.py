"""read_ahead: a file's records read and rendered in a second process while this one stores them.

Reading an export (parsing XML or JSON, building records) and rendering each comment's body to safe
HTML is about half of an import's work, and none of it touches the database. A forked child does it
and hands the records over a pipe in chunks, each with how far into the file it has read (for the
progress bar); the importing process only stores. The pipe's buffer is the only queue: a child that
gets ahead waits, so memory stays flat whatever the file's size.

An exception in the child (a SourceError for a file that breaks off, an undecodable byte) arrives
after the records read before it and is raised here at the same point of the stream, so
`--on-error` and the command's messages work as they do in one process. The child never touches
the database, and dies with its parent: a parent killed (kill -9) closes the pipe, and the child's
next send fails.
"""

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

from rostra.core.markup import render
from rostra.porting.records import CommentRecord

CHUNK = 256  # records per message: large enough that pickling costs little per record
FIRST_CHUNK = 16  # the storing process has nothing to do until the first message comes
PIPE_BYTES = 1 << 20  # the pipe's buffer: a few thousand records, so neither process waits on the
# other's bursts (a flush, a slow stretch of the file); 1 MB is what Linux grants without privileges
WORTH_IT = 1 << 20  # bytes: below this a fork costs more than it saves


def can_read_ahead(path: Path) -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and path.stat().st_size >= WORTH_IT


class ReadAhead:
    """Iterate to get the records `read(stream)` yields for the file at `path`, with bodies
    rendered (`CommentRecord.body_html`). `position()` is how many bytes the child has read."""

    def __init__(self, path: Path, read: Callable, *, binary: bool = True):
        self.path, self.read, self.binary = path, read, binary
        self.read_bytes = 0

    def position(self) -> int:
        return self.read_bytes

    def __iter__(self) -> Iterator:
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        _widen(sending)
        child = context.Process(target=self._produce, args=(sending, receiving), daemon=True)
        child.start()
        sending.close()  # the child holds the only sending end: its death ends the stream
        try:
            while True:
                try:
                    kind, position, payload = receiving.recv()
                except EOFError:
                    raise RuntimeError(f"the process reading {self.path.name} stopped without a "
                                       f"word (exit code {child.exitcode})") from None
                self.read_bytes = position
                if kind == "records":
                    yield from payload
                elif kind == "raised":
                    raise payload
                else:
                    return
        finally:
            receiving.close()
            if child.is_alive():
                child.kill()
            child.join()

    def _produce(self, sending, receiving) -> None:
        """The child: read, render, send. Exits through os._exit (multiprocessing's fork does), so
        nothing inherited from the parent (its database connection) is closed or flushed here."""
        receiving.close()  # else the pipe keeps a reader when the parent dies, and a send blocks forever
        chunk: list = []
        size = min(FIRST_CHUNK, CHUNK)
        where = 0  # bytes read when the last chunk left
        try:
            with open_source(self.path, binary=self.binary) as stream:
                tell = offset_of(stream)
                for record in self.read(stream):
                    if type(record) is CommentRecord and record.body_html is None:
                        record.body_html = render(record.body, record.body_format)
                    chunk.append(record)
                    if len(chunk) == size:
                        where = tell()
                        sending.send(("records", where, chunk))
                        chunk, size = [], CHUNK
            where = os.path.getsize(self.path)
            sending.send(("records", where, chunk))
            sending.send(("end", where, None))
        except BrokenPipeError:
            pass  # the parent has gone: nothing is waiting for these records
        except BaseException as exc:  # noqa: BLE001 (raised in the parent, where it would have been)
            sending.send(("records", where, chunk))
            try:
                sending.send(("raised", where, exc))
            except Exception:  # noqa: BLE001 (an exception that does not pickle)
                sending.send(("raised", where, RuntimeError(traceback.format_exc())))
        finally:
            sending.close()



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


def offset_of(stream) -> Callable[[], int]:
    """How many bytes of its file `stream` has read (a text stream asks its buffer)."""
    return stream.tell if "b" in stream.mode else stream.buffer.tell
