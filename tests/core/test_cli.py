"""The `rostra` console script, run as an operator runs it: a real process on a real SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FOUNDING_PAGE

ROSTRA = str(Path(sys.executable).parent / "rostra")


@pytest.fixture
def run(tmp_path):
    env = {
        # as operators run it: output buffered (an unbuffered run would hide an unflushed end)
        **{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
        "ROSTRA_DATABASE_URL": f"sqlite:///{tmp_path}/rostra.sqlite3",
        "ROSTRA_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "rostra.config.settings.base",
    }

    def run(*args, check=True, stdout=subprocess.PIPE, **extra_env):
        result = subprocess.run([ROSTRA, *args], env={**env, **extra_env}, cwd=tmp_path, stdout=stdout,
                                stderr=subprocess.PIPE, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"rostra {' '.join(args)} failed:\n{result.stderr}")
        return result

    run("migrate", "--no-input", "-v", "0")
    return run


def test_secret_key_is_generated_once_and_kept_under_var(run, tmp_path):
    key = tmp_path / "var" / "secret_key"
    assert key.exists() and len(key.read_text()) >= 50
    first = key.read_text()
    run("check")
    assert key.read_text() == first


def test_createsite_again_only_adds_domains_and_origins(run):
    created = run("createsite", "--slug", "news", "--name", "News", "--domain", "news.example.org",
                  "--timezone", "Europe/London")
    assert "Created site 'news'" in created.stdout
    again = run("createsite", "--slug", "news", "--name", "Ignored", "--domain", "NEWS.example.org",
                "--domain", "www.example.org", "--origin", "https://blog.example.org/")
    assert "Updated site 'news' (News)" in again.stdout
    assert "domains: news.example.org, www.example.org" in again.stdout
    assert "origins: https://blog.example.org" in again.stdout


def test_createsite_explains_bad_input(run):
    bad_origin = run("createsite", "--slug", "x", "--name", "X", "--origin", "blog.example.org",
                     check=False)
    assert bad_origin.returncode != 0 and "is not an origin" in bad_origin.stderr
    assert "Traceback" not in bad_origin.stderr
    bad_zone = run("createsite", "--slug", "x", "--name", "X", "--timezone", "Mars/Base",
                   check=False)
    assert "not a known time zone" in bad_zone.stderr
    no_name = run("createsite", "--slug", "fresh", check=False)
    assert "give it a --name" in no_name.stderr


def test_import_then_import_again_adds_nothing(run):
    run("createsite", "--slug", "demo", "--name", "Demo", "--timezone", "America/New_York")
    first = run("import", "--format", "page", str(FOUNDING_PAGE), "--site", "demo")
    assert "comments: 8 imported" in first.stdout and "4 of those imported are placeholders" in (
        first.stdout)
    second = run("import", "--format", "page", str(FOUNDING_PAGE), "--site", "demo")
    assert "comments: 0 imported, 8 already here" in second.stdout


def test_import_of_a_missing_file_is_a_clear_error(run):
    run("createsite", "--slug", "demo", "--name", "Demo")
    result = run("import", "--format", "page", "nowhere.txt", "--site", "demo", check=False)
    assert result.returncode != 0 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_is_idempotent(run):
    run("demo")
    again = run("demo")
    assert "articles: 0 imported, 1 already here" in again.stdout


def test_createsuperuser_works_without_a_terminal(run):
    result = run("createsuperuser", "--no-input", "--username", "editor", "--email",
                 "editor@example.org", DJANGO_SUPERUSER_PASSWORD="a long enough password")
    assert "Superuser created successfully" in result.stdout


def test_a_database_never_migrated_gets_a_message_not_a_traceback(run, tmp_path):
    fresh = f"sqlite:///{tmp_path}/never-migrated.sqlite3"
    for args in (["createsite", "--slug", "x", "--name", "X"],
                 ["import", str(FOUNDING_PAGE), "--site", "x"],
                 ["export", "--site", "x"]):
        result = run(*args, check=False, ROSTRA_DATABASE_URL=fresh)
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert "run `rostra migrate` first" in result.stderr


def test_import_and_export_work_without_the_web_apps(run, tmp_path):
    """`rostra import` and `export` leave out the API docs' app to start sooner; the rest works."""
    run("createsite", "--slug", "news", "--name", "News", "--domain", "news.example.org")
    run("import", str(FOUNDING_PAGE), "--site", "news", "--progress", "never")
    exported = run("export", "--format", "rostra", "--site", "news").stdout
    assert '"type": "comment"' in exported


def test_a_large_import_and_export_end_with_every_byte_written(run, tmp_path):
    """A large file is read by a process started before Django (readahead.start_early), and a file
    command that did its work ends without Python's teardown (cli._leave): what they print and
    write must all be there, the exit status 0, and no reading process left behind."""
    from bench.generate import write_wxr

    export = tmp_path / "export.xml"
    write_wxr(export, 3_000, per_thread=50)
    assert export.stat().st_size > 1 << 20  # readahead.WORTH_IT: read in a second process
    run("createsite", "--slug", "news", "--name", "News", "--domain", "news.example.org")
    imported = run("import", str(export), "--site", "news", "--progress", "never")
    assert "comments: 3000 imported" in imported.stdout and imported.stdout.endswith("\n")
    assert "not comments (pingbacks…)" in imported.stdout  # the table's last row
    printed = run("export", "--format", "rostra", "--site", "news").stdout
    run("export", "--format", "rostra", "--site", "news", "-o", str(tmp_path / "out.jsonl"))
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert printed == written and printed.count('"type": "comment"') == 3_000
    running = [p for p in Path("/proc").glob("[0-9]*") if _reads(p, export)]
    assert not running, "a reading process outlived the import"


def _reads(process: Path, path: Path) -> bool:
    try:
        return str(path).encode() in (process / "cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_an_export_to_a_full_disk_fails_and_says_so(run, tmp_path):
    run("createsite", "--slug", "empty", "--name", "Empty", "--domain", "empty.example.org")
    run("createsite", "--slug", "news", "--name", "News", "--domain", "news.example.org")
    run("import", str(FOUNDING_PAGE), "--site", "news", "--progress", "never")
    with open("/dev/full", "w") as full:
        # a site without articles: its one line stays in the buffer until the end
        short = run("export", "--format", "rostra", "--site", "empty", stdout=full, check=False)
        printed = run("export", "--format", "rostra", "--site", "news", stdout=full, check=False)
    written = run("export", "--format", "rostra", "--site", "news", "-o", "/dev/full", check=False)
    for result in (short, printed, written):
        assert result.returncode != 0 and "cannot be written" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_file_command_that_cannot_write_its_last_output_does_not_end_well():
    """cli._leave flushes what is still buffered before os._exit, and a flush that fails (a full
    disk) is said and gives a failing status; a reader that has gone (a broken pipe) is not."""
    code = "import sys; from rostra.cli import _leave; sys.stdout.write('the end'); _leave()"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        failed = subprocess.run([sys.executable, "-c", code], stdout=full, stderr=subprocess.PIPE,
                                text=True, env=env, timeout=60)
    assert failed.returncode == 1 and "the output could not be written" in failed.stderr
    fine = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60)
    assert fine.returncode == 0 and fine.stdout == "the end"
