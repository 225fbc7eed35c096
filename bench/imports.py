"""The import scenario: generated Disqus and WXR exports of 10k, 100k and 1M comments imported into
a fresh Rostra (SQLite), and the same Disqus files into a fresh Isso (`isso import`). Rate in
comments per second (the median of three runs for a run under two seconds, whichever system) and
peak memory of the importing process."""

import statistics
from pathlib import Path

from bench.common import ISSO, QUICK, RUN_ROSTRA, Row, fresh_rostra, isso_config, measure
from bench.generate import write_disqus, write_wxr

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
ISSO_SIZES = {"10k", "100k"}  # Isso imports ~450 comments/s: 1M would take over half an hour
QUICK_SIZES = {"1k": 1_000}


def plan() -> float:
    """Seconds: Rostra imports about 40,000 comments/s (20,000 with writing the files and a margin),
    Isso about 450/s."""
    sizes = QUICK_SIZES if QUICK else SIZES
    isso = sum(n for label, n in sizes.items() if QUICK or label in ISSO_SIZES)
    repeated = sum(1 for n in sizes.values() if n <= 10_000)  # runs under SHORT_SECONDS, twice more
    return (2 * sum(sizes.values()) / 20_000 + isso / 450 + 5 * len(sizes)
            + 2 * (SHORT_RUNS - 1) * 3 * repeated)  # 3 s: a fresh database and a run


# A run shorter than this is repeated, each time into a fresh database, and its median reported: for
# half a second, one run is at the mercy of whatever else the machine did then (the 10,000-comment
# cells moved by up to a tenth between single runs). Longer runs, Isso's included, are run once.
SHORT_SECONDS = 2.0
SHORT_RUNS = 3


def run(work: Path) -> list[Row]:
    rows = []
    work.mkdir(parents=True, exist_ok=True)
    sizes = QUICK_SIZES if QUICK else SIZES
    for label, count in sizes.items():
        for kind, write in (("disqus", write_disqus), ("wxr", write_wxr)):
            export = work / f"{kind}-{label}.xml"
            write(export, count, per_thread=100)

            def rostra(n: int, kind=kind, label=label, export=export):
                env = fresh_rostra(work / f"rostra-{kind}-{label}-{n}")
                return measure([*RUN_ROSTRA, "import", str(export), "--site", "bench", "--format",
                                kind, "--progress", "never"], env=env)

            rows.append(_row(f"import-{kind}-{label}", "rostra", rostra, count, export))
            if kind == "disqus" and (QUICK or label in ISSO_SIZES):
                def isso(n: int, label=label, export=export):
                    config = isso_config(work / f"isso-{label}-{n}", host="https://news.example.org/")
                    return measure([str(ISSO), "-c", str(config), "import", "--empty-id", str(export)])

                rows.append(_row(f"import-{kind}-{label}", "isso", isso, count, export))
            export.unlink()
    return rows


def _row(scenario: str, system: str, once, count: int, export: Path) -> Row:
    """The import `once(n)` runs (the n-th time, into a fresh database), as a Row: run once, or
    SHORT_RUNS times when it is short, with the median time and the largest peak memory."""
    results = [once(0)]
    if results[0].seconds < SHORT_SECONDS:
        results += [once(n) for n in range(1, SHORT_RUNS)]
    seconds = statistics.median(r.seconds for r in results)
    return Row(
        scenario=scenario, system=system, requests_per_s=round(count / seconds, 1),
        peak_rss_mb=round(max(r.peak_rss_mb for r in results), 1), bytes=export.stat().st_size,
        errors=sum(r.returncode != 0 for r in results),
        notes={"seconds": round(seconds, 3), "comments": count,
               "runs": [round(r.seconds, 3) for r in results]},
    )


def budgets(rows: list[Row]) -> list[tuple[str, bool, str]]:
    """(what, passed, figures) for issue 6's import budgets."""
    found = []
    by = {(r.scenario, r.system): r for r in rows}
    for (scenario, system), row in sorted(by.items()):
        if system != "rostra":
            continue
        found.append((f"{scenario}: ≥ 20,000 comments/s on SQLite", row.requests_per_s >= 20_000,
                      f"{row.requests_per_s:,.0f}/s"))
        found.append((f"{scenario}: peak RSS ≤ 300 MB", row.peak_rss_mb <= 300,
                      f"{row.peak_rss_mb:,.0f} MB"))
        isso = by.get((scenario, "isso"))
        if isso is not None:
            ratio = row.requests_per_s / isso.requests_per_s
            found.append((f"{scenario}: ≥ 10 × Isso's import rate", ratio >= 10,
                          f"{ratio:,.1f} × ({row.requests_per_s:,.0f}/s vs {isso.requests_per_s:,.0f}/s)"))
        found.append((f"{scenario}: no errors", row.errors == 0, str(row.errors)))
    return found
