"""Read scenarios. thread-50 and thread-1000: what each system's own client asks for to show the
thread (Isso's `GET /?uri=…`; Rostra's article page and /api/v1/ first page) and Rostra's Isso-compatible
endpoint with Isso's query, each next to nginx serving the same captured bytes (the ceiling).
thread-1000-cold: Rostra with ROSTRA_CACHE_THREADS=off. thread-100k (Rostra only): first page and
page 1,000 of the article page and of /api/v1/."""

import urllib.request
from pathlib import Path

from bench import servers
from bench.common import Row, pick
from bench.data import HOST, Data, prepare
from bench.load import CONCURRENCY, SECONDS, cells, write_script

SHOWN = ("thread-50", "thread-1000")
COLD = ("rostra-page", "rostra-api", "rostra-isso")
CELLS = len(CONCURRENCY) * (2 * 8 + 3 + 4)  # 8 systems (4 + their nginx twins) x 2 sizes, cold, 100k


def plan() -> float:
    return CELLS * SECONDS + 60  # servers starting; data posting and import are counted by writes


def targets(data: Data, name: str) -> dict[str, str]:
    """system -> path of what shows thread `name`."""
    thread = data.threads[name]
    return {"isso": data.isso_query(thread.uri), "rostra-page": thread.page,
            "rostra-api": f"/api/v1/threads/{thread.id}/comments",
            "rostra-isso": "/isso/bench" + data.isso_query(thread.uri)}


def run(work: Path) -> list[Row]:
    data = prepare(work.parent / "data")
    work.mkdir(parents=True, exist_ok=True)
    rows, captured = [], {}

    def measure(server, scenario, system, path, **notes):
        try:
            body = fetch(server.url + path)
        except OSError as failure:  # no answer in time (a page whose cost grows with the thread)
            print(f"  {scenario} {system}: no answer ({failure}); its cells count as failed", flush=True)
            return [Row(scenario=scenario, system=system, concurrency=c, errors=1,
                        notes={"path": path, "failed": str(failure), **notes}) for c in CONCURRENCY]
        captured[(scenario, system)] = body
        script = write_script(work / f"{scenario}-{system}.lua", reads=[path])
        return cells(server, script, scenario=scenario, system=system, size=len(body),
                     notes={"path": path, **notes})

    with servers.isso(data.isso_dir, host=HOST + "/") as isso, \
            servers.rostra(data.rostra_env, log=work / "rostra.log") as rostra:
        for name in SHOWN:
            for system, path in targets(data, name).items():
                rows += measure(isso if system == "isso" else rostra, name, system, path,
                                ceiling=f"nginx-{system}")
        big = data.threads["thread-100k"]
        far = f"?cursor={data.far_cursor}" if data.far_cursor else ""
        for system, path in {"rostra-page": big.page, "rostra-page-1000": f"{big.page}?page=1000",
                             "rostra-api": f"/api/v1/threads/{big.id}/comments",
                             "rostra-api-1000": f"/api/v1/threads/{big.id}/comments{far}"}.items():
            rows += measure(rostra, "thread-100k", system, path)
    with servers.rostra(data.rostra_env, log=work / "rostra-cold.log", cache_threads=False) as cold:
        for system in COLD:
            rows += measure(cold, "thread-1000-cold", system, targets(data, "thread-1000")[system])
    files = {f"{scenario}-{system}.{'html' if system == 'rostra-page' else 'json'}": body
             for (scenario, system), body in captured.items() if scenario in SHOWN}
    with servers.nginx(work / "nginx", files) as nginx:
        for name in files:
            scenario, system = _split(name)
            script = write_script(work / f"nginx-{name}.lua", reads=[f"/{name}"])
            rows += cells(nginx, script, scenario=scenario, system=f"nginx-{system}",
                          size=len(files[name]), notes={"serves": system})
    return rows


def _split(name: str) -> tuple[str, str]:
    """('thread-50', 'rostra-api') from 'thread-50-rostra-api.json'."""
    stem = name.rsplit(".", 1)[0]
    scenario = next(s for s in SHOWN if stem.startswith(s + "-"))
    return scenario, stem[len(scenario) + 1:]


def fetch(url: str) -> bytes:
    """One answer, which must be a 200 (what the load then repeats)."""
    with urllib.request.urlopen(url, timeout=120) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
        return response.read()


def budgets(rows: list[Row]) -> list[tuple[str, bool, str]]:
    """(what, passed, figures) for issue 7's read budgets; a missing cell fails its budget."""
    found = []

    def rate(scenario, system, c):
        row = pick(rows, scenario, system, c)
        return row.requests_per_s if row and row.requests_per_s else 0.0

    isso8 = rate("thread-1000", "isso", 8)
    compat = rate("thread-1000", "rostra-isso", 8)
    ceiling = rate("thread-1000", "nginx-rostra-isso", 8)
    found.append(("thread-1000, Isso-compatible endpoint, c=8: ≥ 300 × Isso's req/s",
                  isso8 > 0 and compat >= 300 * isso8, f"{compat / isso8 if isso8 else 0:,.0f} × "
                  f"({compat:,.0f}/s vs {isso8:,.1f}/s)"))
    found.append(("thread-1000, Isso-compatible endpoint, c=8: ≥ 20% of nginx serving the same bytes",
                  ceiling > 0 and compat >= 0.2 * ceiling,
                  f"{100 * compat / ceiling if ceiling else 0:.0f}% ({compat:,.0f}/s vs {ceiling:,.0f}/s)"))
    page = rate("thread-1000", "rostra-page", 64)
    found.append(("thread-1000, article page HTML first page, c=64: ≥ 1,000 × Isso's req/s (c=8)",
                  isso8 > 0 and page >= 1000 * isso8,
                  f"{page / isso8 if isso8 else 0:,.0f} × ({page:,.0f}/s vs {isso8:,.1f}/s)"))
    isso_p50 = (pick(rows, "thread-1000", "isso", 1) or Row("", "")).p50_ms
    for system in COLD:
        p50 = (pick(rows, "thread-1000-cold", system, 1) or Row("", "")).p50_ms
        found.append((f"thread-1000-cold, {system}, c=1: p50 ≤ 1/20 of Isso's p50",
                      bool(p50 and isso_p50 and p50 <= isso_p50 / 20),
                      f"{p50} ms vs {isso_p50} ms"))
    for system in ("rostra-page", "rostra-page-1000", "rostra-api", "rostra-api-1000"):
        base = (pick(rows, "thread-1000", system.removesuffix("-1000"), 8) or Row("", "")).p50_ms
        p50 = (pick(rows, "thread-100k", system, 8) or Row("", "")).p50_ms
        found.append((f"thread-100k, {system}, c=8: p50 ≤ 1.5 × thread-1000's",
                      bool(p50 and base and p50 <= 1.5 * base), f"{p50} ms vs {base} ms"))
    return found
