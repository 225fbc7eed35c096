"""An import killed with SIGKILL part-way leaves a consistent database, and running it again finishes
the job: no duplicates, no gaps, the same tree as an import that was never interrupted.

Runs the real `rostra` command on a SQLite file, as an operator would.
"""

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from bench.generate import write_disqus
from tests.commands import ROSTRA, environment, rostra

COMMENTS = 100_000


def fresh_site(var_dir: Path) -> dict[str, str]:
    var_dir.mkdir()
    env = environment(var_dir)
    rostra("migrate", "-v0", env=env)
    rostra("createsite", "--slug", "bench", "--name", "Bench", "--domain", "news.example.org", env=env)
    return env


def database(var_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{var_dir}/rostra.sqlite3?mode=ro", uri=True, timeout=30)


def count(var_dir: Path) -> int:
    with database(var_dir) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0]
        except sqlite3.OperationalError:  # locked for a moment
            return 0


def tree(var_dir: Path) -> set[tuple]:
    """Every comment as (its article, its source id, its parent's source id, its depth)."""
    with database(var_dir) as db:
        return set(db.execute(
            "SELECT a.source_id, c.source_id, p.source_id, c.depth FROM discussion_comment c"
            " JOIN articles_article a ON a.id = c.thread_id"
            " LEFT JOIN discussion_comment p ON p.id = c.parent_id"))


def check_consistent(env: dict) -> None:
    """SQLite's integrity check and Rostra's own (parents, paths, roots, counters): `rostra check
    --data`, as an operator would run it after a crash."""
    result = rostra("check", "--data", env=env)
    assert "The stored discussions are consistent." in result.stdout


def importing(path) -> list[int]:
    """Processes still running `rostra import` of `path`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(path).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile
    return found


@pytest.mark.slow
def test_an_import_killed_part_way_finishes_on_the_next_run(tmp_path):
    export = tmp_path / "disqus.xml"
    write_disqus(export, COMMENTS, per_thread=200)
    killed = tmp_path / "killed"
    env = fresh_site(killed)
    process = subprocess.Popen([str(ROSTRA), "import", str(export), "--site", "bench",
                                "--progress", "never"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while count(killed) < COMMENTS // 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # the process it forked to read the file (readahead.py) must not outlive it
    deadline = time.monotonic() + 10
    while importing(export) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not importing(export), "the reading process outlived the killed import"
    part = count(killed)
    assert 0 < part < COMMENTS, f"the import should have been killed part-way ({part} stored)"
    check_consistent(env)

    again = rostra("import", str(export), "--site", "bench", "--progress", "never", env=env)
    assert f"comments: {COMMENTS - part} imported, {part} already here" in again.stdout
    check_consistent(env)

    clean = tmp_path / "clean"
    env = fresh_site(clean)
    rostra("import", str(export), "--site", "bench", "--progress", "never", env=env)
    assert count(killed) == count(clean) == COMMENTS
    assert tree(killed) == tree(clean)
