"""Load with wrk (Debian's) on loopback, bounded in time: one cell is one system at one concurrency,
and becomes one Row (rate, p50/p99 from wrk's latency distribution, errors, peak RSS of the server's
processes sampled while it runs). A Lua script picks each request: GETs of given paths, and a share of
POSTs whose JSON bodies differ (`@N@` in a body becomes a mark no other request of any cell uses: Rostra
refuses the same words twice in a thread)."""

import json
import subprocess
import threading
import time
import uuid
from pathlib import Path

from bench.common import QUICK, Row, tree_rss
from bench.servers import Server

WRK = "/usr/bin/wrk"
CONCURRENCY = (1, 8, 64)
SECONDS = 1 if QUICK else 8  # one cell
TIMEOUT = 30  # a request slower than this counts as an error (wrk's own default is 2 s)

# `done` prints the summary as one JSON line; `setup` numbers wrk's threads so bodies differ.
SCRIPT = """
local reads = {%(reads)s}
local writes = {%(writes)s}
local share = %(share)f
local threads = 0
local n = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  cell = args[1]
  math.randomseed(id * 7919)
end
function request()
  n = n + 1
  if #writes > 0 and (share >= 1 or math.random() < share) then
    local w = writes[math.random(#writes)]
    local body = (string.gsub(w[2], "@N@", cell .. "-" .. id .. "-" .. n))
    return wrk.format("POST", w[1], {["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", reads[math.random(#reads)])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "micros": %%d, "bytes": %%d, "socket": %%d, "status": %%d, ' ..
    '"timeout": %%d, "p50": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def _lua(text: str) -> str:
    return f"[==[{text}]==]"


def write_script(path: Path, *, reads: list[str], writes: list[tuple[str, str]] = (),
                 share: float = 0.0) -> Path:
    """A wrk script: GET one of `reads`, or (a `share` of requests) POST one of `writes` (path, body)."""
    path.write_text(SCRIPT % {
        "reads": ", ".join(map(_lua, reads)),
        "writes": ", ".join(f"{{{_lua(p)}, {_lua(b)}}}" for p, b in writes),
        "share": share,
    })
    return path


def run_cell(server: Server, script: Path, *, scenario: str, system: str, concurrency: int,
             seconds: float = SECONDS, size: int | None = None, notes: dict | None = None) -> Row:
    """wrk against `server` for `seconds` at `concurrency` connections; `size`: bytes of one answer."""
    peak = 0
    running = True

    def sample():
        nonlocal peak
        while running:
            peak = max(peak, tree_rss(server.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = subprocess.run(
            [WRK, "--threads", str(min(concurrency, 2)), "--connections", str(concurrency),
             "--duration", f"{seconds}s", "--timeout", f"{TIMEOUT}s", "--script", str(script),
             server.url + "/", uuid.uuid4().hex[:12]],
            capture_output=True, text=True, timeout=seconds + TIMEOUT + 30,
        )
    finally:
        running = False
        sampler.join()
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    found = json.loads(line[len("BENCH "):])
    errors = found["socket"] + found["status"] + found["timeout"]
    return Row(
        scenario=scenario, system=system, concurrency=concurrency,
        requests_per_s=round(found["requests"] / (found["micros"] / 1e6), 1),
        p50_ms=round(found["p50"] / 1000, 2) if found["requests"] else None,
        p99_ms=round(found["p99"] / 1000, 2) if found["requests"] else None,
        peak_rss_mb=round(peak / 2**20, 1), bytes=size, errors=errors,
        notes={"requests": found["requests"], "seconds": seconds, "socket_errors": found["socket"],
               "status_errors": found["status"], "timeouts": found["timeout"], **(notes or {})},
    )


def cells(server: Server, script: Path, *, concurrency=CONCURRENCY, **fields) -> list[Row]:
    """One cell per concurrency."""
    rows = []
    for c in concurrency:
        rows.append(run_cell(server, script, concurrency=c, **fields))
        print(f"  {rows[-1].scenario} {rows[-1].system} c={c}: {rows[-1].requests_per_s}/s "
              f"p50 {rows[-1].p50_ms} ms, {rows[-1].errors} errors", flush=True)
    return rows
