"""The end-of-run table reads the same whether rich draws it or it is written as plain text."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rostra.porting import progress
from rostra.porting.records import ImportReport

counts = st.integers(min_value=0, max_value=10**15)


def drawn_by_rich(report: ImportReport, *, dry_run: bool) -> str:
    stream = io.StringIO()  # not a terminal: rich draws it without styles
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(progress, "_may_style", lambda stream: True)
        progress.counts_table(report, stream=stream, dry_run=dry_run)
    return stream.getvalue()


@pytest.fixture(autouse=True)
def no_forced_styles(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)


# no deadline: the first example loads rich, which a loaded machine may take a while over
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(articles=st.tuples(counts, counts), comments=st.tuples(counts, counts), placeholders=counts,
       by_design=counts, authors=st.integers(0, 40), skipped=st.integers(0, 40), dry_run=st.booleans())
def test_the_plain_table_is_the_one_rich_draws_off_a_terminal(
        articles, comments, placeholders, by_design, authors, skipped, dry_run):
    report = ImportReport(articles_created=articles[0], articles_existing=articles[1],
                          comments_created=comments[0], comments_existing=comments[1],
                          placeholders_created=placeholders, skipped_by_design=by_design,
                          authors={str(n) for n in range(authors)}, skipped=["why"] * skipped)
    plain = io.StringIO()
    progress.counts_table(report, stream=plain, dry_run=dry_run)
    assert plain.getvalue() == drawn_by_rich(report, dry_run=dry_run)


def test_a_terminal_or_a_forced_style_gets_rich(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert progress._may_style(Terminal())
    assert not progress._may_style(io.StringIO())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert progress._may_style(io.StringIO())
