"""`make bench`: every scenario, side by side with the system users would otherwise pick, written to
bench/reports/latest.json (rows), latest.md (tables, ratios, budgets PASS/FAIL) and PNG charts.
`BENCH_QUICK=1` runs every scenario at a tiny size (what `make test` does, so the bench never rots;
no budget is asserted there)."""

import json
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import imports
from bench.common import ISSO, QUICK, ROOT, Row

REPORTS = ROOT / "bench" / "reports"
SCENARIOS = {"import": imports}


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    isso_version = subprocess.run([str(ISSO), "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0], "platform": platform.platform(), "cpu": cpu,
        "cores": len(__import__("os").sched_getaffinity(0)),
        "rostra": metadata.version("rostra"), "django": metadata.version("django"),
        "isso": isso_version or "not installed", "quick": QUICK,
    }


def write_reports(rows: list[Row], verdicts: list[tuple[str, bool, str]], about: dict,
                  target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "latest.json").write_text(json.dumps(
        {"machine": about, "rows": [r.as_dict() for r in rows],
         "budgets": [{"budget": b, "passed": p, "measured": m} for b, p, m in verdicts]}, indent=1))
    lines = [f"# Rostra benchmarks — {about['date']}", "",
             f"{about['cores']} cores ({about['cpu']}), Python {about['python']}, "
             f"Rostra {about['rostra']}, Django {about['django']}, Isso {about['isso']}"
             + (" — **quick mode: tiny sizes, no budget applies**" if about["quick"] else ""), "",
             "| scenario | system | c | rate /s | p50 ms | p99 ms | peak RSS MB | bytes | errors |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.scenario} | {r.system} | {r.concurrency} | {_n(r.requests_per_s)} | "
                     f"{_n(r.p50_ms)} | {_n(r.p99_ms)} | {_n(r.peak_rss_mb)} | {_n(r.bytes)} | {r.errors} |")
    lines += ["", "## Budgets", "", "| budget | measured | verdict |", "|---|---|---|"]
    for budget, passed, measured in verdicts:
        lines.append(f"| {budget} | {measured} | {'PASS' if passed else 'FAIL'} |")
    (target / "latest.md").write_text("\n".join(lines) + "\n")
    charts(rows, target)


def charts(rows: list[Row], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    scenarios = sorted({r.scenario for r in rows})
    systems = sorted({r.system for r in rows})
    figure, axis = pyplot.subplots(figsize=(10, 4 + len(scenarios) * 0.3))
    height = 0.8 / max(1, len(systems))
    for i, system in enumerate(systems):
        values = [next((r.requests_per_s or 0 for r in rows if r.scenario == s and r.system == system), 0)
                  for s in scenarios]
        axis.barh([n + i * height for n in range(len(scenarios))], values, height=height, label=system)
    axis.set_yticks([n + height * (len(systems) - 1) / 2 for n in range(len(scenarios))], scenarios)
    axis.set_xscale("log")
    axis.set_xlabel("per second (requests, or comments for imports), log scale")
    axis.legend()
    figure.tight_layout()
    figure.savefig(target / "throughput.png", dpi=90)
    pyplot.close(figure)


def _n(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def main(argv: list[str]) -> int:
    chosen = argv or list(SCENARIOS)
    rows: list[Row] = []
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="rostra-bench-") as scratch:
        for name in chosen:
            module = SCENARIOS[name]
            print(f"bench: {name}…", flush=True)
            found = module.run(Path(scratch) / name)
            rows += found
            verdicts += module.budgets(found)
    about = machine()
    target = REPORTS if not QUICK else Path(tempfile.mkdtemp(prefix="rostra-bench-quick-"))
    write_reports(rows, verdicts, about, target)
    print((target / "latest.md").read_text())
    print(f"report: {target}")
    return 1 if any(r.errors for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
