"""What every bench scenario shares: fresh Rostra and Isso installations in a scratch folder, child
processes measured for time and peak memory, and the row every measurement becomes."""

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN_ROSTRA = [sys.executable, "-m", "rostra.cli"]
ISSO_VENV = ROOT / "bench" / ".venv-isso"
# `make bench` builds the bench's own Isso venv; the quick run in `make test` may use the Isso that
# Rostra itself installs (for its client files).
ISSO = ISSO_VENV / "bin" / "isso"
if not ISSO.exists():
    ISSO = Path(sys.executable).parent / "isso"
QUICK = os.environ.get("BENCH_QUICK") == "1"
SAMPLE_SECONDS = 0.05  # how often measure() sums the memory of a measured process tree


@dataclass
class Row:
    scenario: str
    system: str
    concurrency: int = 1
    requests_per_s: float | None = None  # for imports: comments per second
    p50_ms: float | None = None
    p99_ms: float | None = None
    peak_rss_mb: float | None = None
    bytes: int | None = None
    errors: int = 0
    notes: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def measure(command: list[str], *, env: dict | None = None, cwd: Path | None = None,
            timeout: float = 1800) -> Measured:
    """Run `command` to its end; its wall time and peak resident memory: the larger of the kernel's
    peak for the process (wait4) and the largest sum, sampled every SAMPLE_SECONDS, over the process
    and every process it started (an import reads large files in a second process).

    The wall time ends when the process does (a blocking wait4), not at the next sample: sampling
    every 20 ms used to add up to 20 ms to each run, and a whole scan of /proc each time took CPU from
    the run it measured."""
    started = time.monotonic()
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, stdin=devnull)
    chunks: list[bytes] = []
    tree_peak = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal tree_peak
        while not finished.wait(SAMPLE_SECONDS):
            tree_peak = max(tree_peak, tree_rss(process.pid))

    helpers = [threading.Thread(target=lambda: chunks.append(process.stdout.read()), daemon=True),
               threading.Thread(target=sample, daemon=True)]
    for helper in helpers:
        helper.start()
    killer = threading.Timer(timeout, process.kill)
    killer.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    killer.cancel()
    finished.set()
    for helper in helpers:
        helper.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = max(usage.ru_maxrss * 1024, tree_peak) / 2**20
    return Measured(seconds, peak_mb, process.returncode, b"".join(chunks).decode(errors="replace"))


def tree_rss(root: int) -> int:
    """Resident bytes of process `root` and all its descendants, from /proc (proportional set
    size, so memory shared by a forked child is not counted twice)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    total = 0
    for pid in tree:
        try:
            rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text()
        except OSError:
            continue
        # Pss: pages shared after a fork count once, split between the processes sharing them
        total += int(rollup.split("\nPss:", 1)[1].split()[0]) * 1024
    return total


def rostra_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ROSTRA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(ROSTRA_VAR_DIR=str(var_dir), ROSTRA_DATABASE_URL=f"sqlite:///{var_dir}/rostra.sqlite3",
               ROSTRA_SECRET_KEY="rostra-bench-not-a-secret-0123456789abcdefghijklmnopqrstuv",
               PYTHONPATH=str(ROOT), ROSTRA_RATE_LIMITS="off")  # benchmarks post as fast as they can
    return env


def fresh_rostra(var_dir: Path, *, site: str = "bench", domain: str = "news.example.org") -> dict:
    """A migrated Rostra on its own SQLite file with one site; its environment."""
    if var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True)
    env = rostra_env(var_dir)
    for args in (["migrate", "-v0"],
                 ["createsite", "--slug", site, "--name", "Bench", "--domain", domain]):
        subprocess.run([*RUN_ROSTRA, *args], env=env, check=True, capture_output=True, cwd=ROOT)
    return env


def isso_config(directory: Path, *, host: str, listen: str = "http://127.0.0.1:8080/") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "isso.cfg"
    config.write_text(f"[general]\ndbpath = {directory / 'comments.db'}\nhost = {host}\n"
                      f"[server]\nlisten = {listen}\n[guard]\nenabled = false\n"
                      "[moderation]\nenabled = false\n")
    return config


def pick(rows: list[Row], scenario: str, system: str, concurrency: int) -> Row | None:
    """The row of one cell, if it was measured."""
    return next((r for r in rows if (r.scenario, r.system, r.concurrency) == (scenario, system, concurrency)),
                None)
