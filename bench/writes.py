"""Write scenarios. post: comments created one at a time and at 8 connections, through Isso's
POST /new, Rostra's /api/v1/comments and Rostra's Isso-compatible /isso/new, into an empty thread
(post-start) and, for Rostra, into the 100,000-comment thread (post-100k: the rate once a thread has
grown that far; posting 100,000 comments one by one would take most of the bench's time). mixed: 95%
reads and 5% writes spread over 100 threads."""

import json
import urllib.parse
from pathlib import Path

from bench import servers
from bench.common import Row, pick
from bench.data import BIG_URI, HOST, MIXED_SIZE, MIXED_THREADS, SIZES, Data, prepare
from bench.load import CONCURRENCY, SECONDS, cells, write_script

POSTING = (1, 8)
WORDS = "Comment @N@: the convoy left at dawn and nobody said a word about where it went"
CELLS = len(POSTING) * (3 + 2) + len(CONCURRENCY) * 3


def plan() -> float:
    posts = sum(SIZES.values()) + MIXED_THREADS * MIXED_SIZE
    return CELLS * SECONDS + posts / 60 + 40  # Isso takes about 60 posts/s; imports and servers


def isso_write(prefix: str, uri: str) -> tuple[str, str]:
    """Isso's client's POST /new (the title spares Isso fetching the page to find one)."""
    return (f"{prefix}/new?" + urllib.parse.urlencode({"uri": uri}),
            json.dumps({"text": WORDS, "author": "Reader", "title": "Story", "parent": None}))


def api_write(uri: str) -> tuple[str, str]:
    return ("/api/v1/comments", json.dumps({"site": "bench", "url": HOST + uri, "title": "Story",
                                            "body": WORDS, "author_name": "Reader"}))


def run(work: Path) -> list[Row]:
    data: Data = prepare(work.parent / "data")
    work.mkdir(parents=True, exist_ok=True)
    rows = []

    def load(server, scenario, system, reads, writes, share, concurrency):
        script = write_script(work / f"{scenario}-{system}.lua", reads=reads, writes=writes, share=share)
        return cells(server, script, scenario=scenario, system=system, concurrency=concurrency)

    with servers.isso(data.isso_dir, host=HOST + "/") as isso, \
            servers.rostra(data.rostra_env, log=work / "rostra.log") as rostra:
        posting = {
            ("post-start", "isso"): (isso, isso_write("", "/post-isso/")),
            ("post-start", "rostra-api"): (rostra, api_write("/post-api/")),
            ("post-start", "rostra-isso"): (rostra, isso_write("/isso/bench", "/post-compat/")),
            ("post-100k", "rostra-api"): (rostra, api_write(BIG_URI)),
            ("post-100k", "rostra-isso"): (rostra, isso_write("/isso/bench", BIG_URI)),
        }
        for (scenario, system), (server, write) in posting.items():
            rows += load(server, scenario, system, ["/"], [write], 1.0, POSTING)
        mixed = {
            "isso": (isso, [data.isso_query(t.uri) for t in data.mixed],
                     [isso_write("", t.uri) for t in data.mixed]),
            "rostra-api": (rostra, [f"/api/v1/threads/{t.id}/comments" for t in data.mixed],
                           [api_write(t.uri) for t in data.mixed]),
            "rostra-isso": (rostra, ["/isso/bench" + data.isso_query(t.uri) for t in data.mixed],
                            [isso_write("/isso/bench", t.uri) for t in data.mixed]),
        }
        for system, (server, reads, writes) in mixed.items():
            rows += load(server, "mixed", system, reads, writes, 0.05, CONCURRENCY)
    return rows


def budgets(rows: list[Row]) -> list[tuple[str, bool, str]]:
    """(what, passed, figures) for issue 7's posting budgets."""
    found = []
    isso = (pick(rows, "post-start", "isso", 8) or Row("", "")).requests_per_s or 0.0
    for system in ("rostra-api", "rostra-isso"):
        start = (pick(rows, "post-start", system, 8) or Row("", "")).requests_per_s or 0.0
        end = (pick(rows, "post-100k", system, 8) or Row("", "")).requests_per_s or 0.0
        found.append((f"post, {system}, c=8: ≥ 1.5 × Isso's rate", isso > 0 and start >= 1.5 * isso,
                      f"{start / isso if isso else 0:.1f} × ({start:,.0f}/s vs {isso:,.0f}/s)"))
        found.append((f"post, {system}, c=8: rate at 100k comments ≥ 90% of the rate at the start",
                      start > 0 and end >= 0.9 * start,
                      f"{100 * end / start if start else 0:.0f}% ({end:,.0f}/s vs {start:,.0f}/s)"))
    return found
