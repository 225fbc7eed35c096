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

from bench import imports, reads, writes
from bench.common import ISSO, QUICK, ROOT, Row, pick

REPORTS = ROOT / "bench" / "reports"
SCENARIOS = {"reads": reads, "writes": writes, "import": imports}  # reads first: they make the data
RSS_BUDGET_MB = 300


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
        "nginx": _version(["/usr/sbin/nginx", "-v"]), "wrk": _version(["/usr/bin/wrk", "-v"]),
        "granian": metadata.version("granian"),
    }


def _version(command: list[str]) -> str:
    try:
        found = subprocess.run(command, capture_output=True, text=True)
    except OSError:
        return "not installed"
    return (found.stdout + found.stderr).strip().splitlines()[0]


def every_scenario(rows: list[Row]) -> list[tuple[str, bool, str]]:
    """Issue 7's budget for every load scenario: zero errors, peak RSS of Rostra's processes."""
    found = []
    for scenario in dict.fromkeys(r.scenario for r in rows if not r.scenario.startswith("import")):
        mine = [r for r in rows if r.scenario == scenario]
        errors = sum(r.errors for r in mine)
        found.append((f"{scenario}: zero errors (every system)", errors == 0, str(errors)))
        peak = max((r.peak_rss_mb or 0 for r in mine if r.system.startswith("rostra")), default=0)
        found.append((f"{scenario}: peak RSS of Rostra's processes ≤ {RSS_BUDGET_MB} MB",
                      peak <= RSS_BUDGET_MB, f"{peak:,.0f} MB"))
    return found


def write_reports(rows: list[Row], verdicts: list[tuple[str, bool, str]], about: dict,
                  target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "latest.json").write_text(json.dumps(
        {"machine": about, "rows": [r.as_dict() for r in rows],
         "budgets": [{"budget": b, "passed": p, "measured": m} for b, p, m in verdicts]}, indent=1))
    lines = [f"# Rostra benchmarks — {about['date']}", "",
             f"{about['cores']} cores ({about['cpu']}), Python {about['python']}, "
             f"Rostra {about['rostra']}, Django {about['django']}, Isso {about['isso']}"
             + f", granian {about['granian']}, {about['nginx']}, {about['wrk']}"
             + (" — **quick mode: tiny sizes, no budget applies**" if about["quick"] else ""), "",
             "Rates are requests per second (comments per second for imports). × Isso: Rostra's rate over "
             "Isso's in the same scenario at the same concurrency; × nginx: over nginx serving the same "
             "captured bytes.", ""]
    for scenario in dict.fromkeys(r.scenario for r in rows):
        lines += [f"## {scenario}", "",
                  "| system | c | rate /s | × Isso | × nginx | p50 ms | p99 ms | peak RSS MB | bytes "
                  "| errors |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for r in (r for r in rows if r.scenario == scenario):
            isso = pick(rows, r.scenario, "isso", r.concurrency)
            nginx = pick(rows, r.scenario, r.notes.get("ceiling", ""), r.concurrency)
            lines.append(f"| {r.system} | {r.concurrency} | {_n(r.requests_per_s)} | "
                         f"{_ratio(r, isso)} | {_ratio(r, nginx)} | {_n(r.p50_ms)} | {_n(r.p99_ms)} | "
                         f"{_n(r.peak_rss_mb)} | {_n(r.bytes)} | {r.errors} |")
        lines.append("")
    lines += ["## Budgets", "", "| budget | measured | verdict |", "|---|---|---|"]
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
    figure, axis = pyplot.subplots(figsize=(12, 4 + len(scenarios) * 0.3))
    height = 0.8 / max(1, len(systems))
    colours = pyplot.get_cmap("tab20").colors  # one colour per system (tab10 has too few)
    for i, system in enumerate(systems):
        values = [max((r.requests_per_s or 0 for r in rows if r.scenario == s and r.system == system),
                      default=0) for s in scenarios]
        axis.barh([n + i * height for n in range(len(scenarios))], values, height=height, label=system,
                  color=colours[i % len(colours)])
    axis.set_yticks([n + height * (len(systems) - 1) / 2 for n in range(len(scenarios))], scenarios)
    axis.set_xscale("log")
    axis.set_xlabel("per second at the best of its connection counts (requests, or comments for "
                    "imports), log scale")
    axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    figure.tight_layout()
    figure.savefig(target / "throughput.png", dpi=90)
    pyplot.close(figure)
    for scenario in {r.scenario for r in rows if not r.scenario.startswith("import")}:
        figure, (rates, latency) = pyplot.subplots(1, 2, figsize=(11, 4))
        for system in sorted({r.system for r in rows if r.scenario == scenario}):
            mine = sorted((r for r in rows if (r.scenario, r.system) == (scenario, system)),
                          key=lambda r: r.concurrency)
            rates.plot([r.concurrency for r in mine], [r.requests_per_s or 0 for r in mine], "o-",
                       label=system)
            latency.plot([r.concurrency for r in mine], [r.p50_ms or 0 for r in mine], "o-", label=system)
        for axis, label in ((rates, "requests/s"), (latency, "p50 latency, ms")):
            axis.set_xscale("log", base=2)
            axis.set_yscale("log")
            axis.set_xlabel("connections")
            axis.set_ylabel(label)
        rates.set_title(scenario)
        latency.legend(fontsize="small")
        figure.tight_layout()
        figure.savefig(target / f"{scenario}.png", dpi=90)
        pyplot.close(figure)


def _ratio(row: Row, other: Row | None) -> str:
    if other is None or not other.requests_per_s or row is other or row.requests_per_s is None:
        return "–"
    return f"{row.requests_per_s / other.requests_per_s:,.2f}"


def _n(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def main(argv: list[str]) -> int:
    chosen = argv or list(SCENARIOS)
    rows: list[Row] = []
    verdicts = []
    planned = sum(SCENARIOS[name].plan() for name in chosen)
    print(f"bench: {', '.join(chosen)}; planned {planned / 60:.1f} minutes", flush=True)
    with tempfile.TemporaryDirectory(prefix="rostra-bench-") as scratch:
        for name in chosen:
            module = SCENARIOS[name]
            print(f"bench: {name}…", flush=True)
            found = module.run(Path(scratch) / name)
            rows += found
            verdicts += module.budgets(found)
    verdicts += every_scenario(rows)
    about = machine()
    target = REPORTS if not QUICK else Path(tempfile.mkdtemp(prefix="rostra-bench-quick-"))
    write_reports(rows, verdicts, about, target)
    print((target / "latest.md").read_text())
    print(f"report: {target}")
    return 1 if any(r.errors for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
