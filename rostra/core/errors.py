"""Errors a verb raises when a request cannot be carried out; views turn them into messages, never 500s."""

from typing import NamedTuple

from django.db import DatabaseError


class Refused(Exception):
    """The request is understood but not allowed as it stands (reply to a hidden comment, edit too late).

    `field` names the input at fault (or is None), so forms and API problems can point at it.
    `status` is the HTTP status an API answers with.
    """

    status = 409

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class Unavailable(NamedTuple):
    """Why the database cannot take a write right now: what to tell the writer, and when to retry."""

    message: str
    retry_after: int  # seconds


FULL = Unavailable("Rostra cannot store anything right now: its disk is full. Nothing was saved; "
                   "please try again later.", 300)
READ_ONLY = Unavailable("Rostra is read-only right now: its database cannot be written. Nothing was "
                        "saved; please try again later.", 300)
STORAGE = Unavailable("Rostra cannot use its storage right now (its disk may be full or failing). "
                      "Nothing was saved; please try again later.", 300)
BUSY = Unavailable("Rostra is too busy to store this right now. Nothing was saved; please try again "
                   "in a few seconds.", 5)

# SQLite's words for its SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR (what it answers on a full disk
# when it cannot even make its shared-memory file) and SQLITE_BUSY (after the busy timeout), and
# PostgreSQL's SQLSTATEs for disk_full, read_only_sql_transaction, io_error and lock_not_available.
_SQLITE = {"database or disk is full": FULL, "attempt to write a readonly database": READ_ONLY,
           "disk I/O error": STORAGE, "database is locked": BUSY}
_SQLSTATE = {"53100": FULL, "25006": READ_ONLY, "58030": STORAGE, "55P03": BUSY}


def database_unavailable(exc: BaseException | None) -> Unavailable | None:
    """The outage an exception from the database stands for, or None for any other error.

    These are conditions of the server, not faults in the request: they answer 503 with Retry-After,
    and the transaction they broke was rolled back, so nothing is half-stored."""
    if not isinstance(exc, DatabaseError):
        return None
    cause = exc.__cause__ or exc
    found = _SQLSTATE.get(getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or "")
    return found or next((outage for words, outage in _SQLITE.items() if words in str(exc)), None)
