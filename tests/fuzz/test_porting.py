"""Hypothesis on the importers: arbitrary bytes, and real exports cut short or with bytes changed,
never make a reader, the format sniffer or `rostra import` fail with anything but their documented
refusal (SourceError from a reader, which names what is wrong; UnknownFormat from the sniffer;
CommandError from the command).

A reader of text may also meet bytes that are not UTF-8: UnicodeDecodeError, which the command turns
into "cannot be read" (the command-level test holds it to that).
"""

import io
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rostra.porting.disqus import read_disqus
from rostra.porting.formats import FORMATS, UnknownFormat, sniff
from rostra.porting.issodb import read_isso_db
from rostra.porting.jsonformats import read_commento, read_isso_json, read_remark42
from rostra.porting.page import read_page
from rostra.porting.records import SourceError
from rostra.porting.reddit import read_reddit
from rostra.porting.restore import read_header
from rostra.porting.wxr import read_wxr
from tests.conftest import FOUNDING_PAGE, SHARED

UTC = zoneinfo.ZoneInfo("UTC")
BASE = "https://news.example.org"
SEED_BYTES = 6000  # the head of each real export: enough for every construct, fast to read


def seeds() -> list[bytes]:
    """Real files of every format Rostra reads (the shared fixtures when they are there)."""
    fixtures = SHARED / "fixtures"
    paths = [FOUNDING_PAGE, *(fixtures / name for name in (
        "isso/disqus.xml", "isso/wordpress.xml", "isso/generic.json", "remark42/remark42-backup-v1.jsonl",
        "remark42/commento.json", "praw-reddit/reddit-comments-57dw9a-context.json",
        "praw-reddit/reddit-morechildren-3hahrw.json"))]
    found = [p.read_bytes()[:SEED_BYTES] for p in paths if p.exists()]
    found.append(b'{"type": "rostra-export", "version": 1, "site": {"slug": "news"}}\n')
    found.append(b"SQLite format 3\x00" + bytes(84))
    return found


def mutate(seed: bytes, cut: int, edits: list[tuple[int, bytes]]) -> bytes:
    data = bytearray(seed[: max(1, cut)])
    for at, piece in edits:
        at %= len(data) + 1
        data[at: at + len(piece)] = piece
    return bytes(data)


SOURCES = st.one_of(
    st.binary(max_size=600),
    st.builds(mutate, st.sampled_from(seeds()), st.integers(1, SEED_BYTES),
              st.lists(st.tuples(st.integers(0, SEED_BYTES), st.binary(min_size=1, max_size=6)),
                       max_size=4)),
)


def text_stream(data: bytes):
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


READERS = {
    "page": lambda data, path: read_page(data.decode("utf-8"), tz=UTC),
    "disqus": lambda data, path: list(read_disqus(io.BytesIO(data))),
    "wxr": lambda data, path: list(read_wxr(io.BytesIO(data), zone=lambda: UTC)),
    "isso-json": lambda data, path: list(read_isso_json(io.BytesIO(data), base=BASE)),
    "commento": lambda data, path: list(read_commento(io.BytesIO(data))),
    "remark42": lambda data, path: list(read_remark42(text_stream(data))),
    "reddit": lambda data, path: list(read_reddit(text_stream(data))),
    "rostra": lambda data, path: read_header(data.decode("utf-8").split("\n", 1)[0]),
    "isso-db": lambda data, path: list(read_isso_db(path, base=BASE)),
}
FUZZ = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_every_reader_refuses_what_it_cannot_read_with_a_source_error(fmt, tmp_path):
    path = tmp_path / "export"

    @FUZZ
    @given(SOURCES)
    def read(data):
        path.write_bytes(data)
        try:
            READERS[fmt](data, path)
        except (SourceError, UnicodeDecodeError):
            pass

    read()


@FUZZ
@given(SOURCES)
def test_the_sniffer_names_a_format_or_refuses(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("sniff") / "export"
    path.write_bytes(data)
    try:
        assert sniff(path) in FORMATS
    except UnknownFormat:
        pass


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(SOURCES)
def test_rostra_import_refuses_with_a_message_never_a_traceback(site, tmp_path_factory, data):
    path: Path = tmp_path_factory.mktemp("import") / "export"
    path.write_bytes(data)
    try:
        call_command("import", str(path), "--site", site.slug, "--dry-run", "--progress", "never",
                     stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError:
        pass
