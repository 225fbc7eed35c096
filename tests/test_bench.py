"""The benchmark suite in quick mode (tiny sizes, one pass each): it must keep running, whatever it
measures. No budget is asserted here; budgets belong to `make bench`'s report."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_bench_runs_every_scenario_in_quick_mode():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ROSTRA_") and k != "DJANGO_SETTINGS_MODULE"}
    env["BENCH_QUICK"] = "1"
    result = subprocess.run([sys.executable, "-m", "bench.run"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = next(line for line in result.stdout.splitlines() if line.startswith("report: "))
    data = json.loads((Path(report.split(": ", 1)[1]) / "latest.json").read_text())
    scenarios = {row["scenario"] for row in data["rows"]}
    assert {"import-disqus-1k", "import-wxr-1k"} <= scenarios
    assert {row["system"] for row in data["rows"]} >= {"rostra", "isso"}
    assert all(row["errors"] == 0 for row in data["rows"])
    assert (Path(report.split(": ", 1)[1]) / "throughput.png").stat().st_size > 1000
