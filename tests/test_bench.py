"""The benchmark suite in quick mode (tiny sizes, one pass each): it must keep running, whatever it
measures. No budget is asserted here; budgets belong to `make bench`'s report."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOWN = ("isso", "rostra-page", "rostra-api", "rostra-isso")
EXPECTED = {
    *((scenario, system, c) for scenario in ("thread-50", "thread-1000")
      for system in (*SHOWN, *(f"nginx-{s}" for s in SHOWN)) for c in (1, 8, 64)),
    *(("thread-1000-cold", system, c) for system in SHOWN[1:] for c in (1, 8, 64)),
    *(("thread-100k", system, c) for system in ("rostra-page", "rostra-page-1000", "rostra-api",
                                                "rostra-api-1000") for c in (1, 8, 64)),
    *(("post-start", system, c) for system in ("isso", "rostra-api", "rostra-isso") for c in (1, 8)),
    *(("post-100k", system, c) for system in ("rostra-api", "rostra-isso") for c in (1, 8)),
    *(("mixed", system, c) for system in ("isso", "rostra-api", "rostra-isso") for c in (1, 8, 64)),
    ("import-disqus-1k", "rostra", 1), ("import-disqus-1k", "isso", 1), ("import-wxr-1k", "rostra", 1),
}


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
    cells = {(row["scenario"], row["system"], row["concurrency"]) for row in data["rows"]}
    assert cells == EXPECTED
    assert [row for row in data["rows"] if row["errors"]] == []
    assert all(row["requests_per_s"] is not None for row in data["rows"])
    for chart in ("throughput", "thread-1000", "post-start", "mixed"):
        assert (Path(report.split(": ", 1)[1]) / f"{chart}.png").stat().st_size > 1000
