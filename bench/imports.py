"""The import scenario: generated Disqus and WXR exports of 10k, 100k and 1M comments imported into
a fresh Rostra (SQLite), and the same Disqus files into a fresh Isso (`isso import`). Rate in
comments per second and peak memory of the importing process."""

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
    return 2 * sum(sizes.values()) / 20_000 + isso / 450 + 5 * len(sizes)


def run(work: Path) -> list[Row]:
    rows = []
    work.mkdir(parents=True, exist_ok=True)
    sizes = QUICK_SIZES if QUICK else SIZES
    for label, count in sizes.items():
        for kind, write in (("disqus", write_disqus), ("wxr", write_wxr)):
            export = work / f"{kind}-{label}.xml"
            write(export, count, per_thread=100)
            env = fresh_rostra(work / f"rostra-{kind}-{label}")
            result = measure([*RUN_ROSTRA, "import", str(export), "--site", "bench",
                              "--format", kind, "--progress", "never"], env=env)
            rows.append(Row(
                scenario=f"import-{kind}-{label}", system="rostra",
                requests_per_s=round(count / result.seconds, 1), peak_rss_mb=round(result.peak_rss_mb, 1),
                bytes=export.stat().st_size, errors=int(result.returncode != 0),
                notes={"seconds": round(result.seconds, 2), "comments": count},
            ))
            if kind == "disqus" and (QUICK or label in ISSO_SIZES):
                directory = work / f"isso-{label}"
                config = isso_config(directory, host="https://news.example.org/")
                result = measure([str(ISSO), "-c", str(config), "import", "--empty-id", str(export)])
                rows.append(Row(
                    scenario=f"import-{kind}-{label}", system="isso",
                    requests_per_s=round(count / result.seconds, 1),
                    peak_rss_mb=round(result.peak_rss_mb, 1), bytes=export.stat().st_size,
                    errors=int(result.returncode != 0),
                    notes={"seconds": round(result.seconds, 2), "comments": count},
                ))
            export.unlink()
    return rows


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
