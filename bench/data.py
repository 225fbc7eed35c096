"""The same comments in both systems: generated threads posted through Isso's own API (replies via
`parent`), then Isso's database imported into Rostra with `rostra import --format isso-db`; plus a
100,000-comment thread (Disqus export from bench.generate) imported into Rostra only. Made once per
bench run and shared by the read and write scenarios."""

import base64
import json
import sqlite3
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench import servers
from bench.common import QUICK, ROOT, RUN_ROSTRA, fresh_rostra
from bench.generate import generated_comments, write_disqus

HOST = "https://news.example.org"
SIZES = {"thread-50": 50, "thread-1000": 1000} if not QUICK else {"thread-50": 5, "thread-1000": 20}
MIXED_THREADS = 100
MIXED_SIZE = 10 if not QUICK else 2
BIG = 100_000 if not QUICK else 300  # thread-100k
BIG_URI = "/story/1/"  # bench.generate's first thread
PAGE = 1000  # thread-100k's far page (in quick mode the thread's last page)
PER_PAGE = 50  # Rostra's default ROSTRA_COMMENTS_PER_PAGE


@dataclass
class Thread:
    uri: str  # Isso's `uri`: the page's path on HOST
    id: int = 0  # Rostra's thread id
    page: str = ""  # Rostra's article page, /a/<slug>/


@dataclass
class Data:
    isso_dir: Path
    rostra_env: dict
    threads: dict[str, Thread] = field(default_factory=dict)  # thread-50, thread-1000, thread-100k
    mixed: list[Thread] = field(default_factory=list)
    far_cursor: str = ""  # /api/v1/ cursor of thread-100k's page PAGE

    def isso_query(self, uri: str) -> str:
        """Isso 0.14's client (embed.dev.js `fetch`, default config: sorting "oldest", offset 0,
        max-comments-nested 5, max-comments-top "inf" sent as no limit) asks for a thread so."""
        return "/?" + urllib.parse.urlencode(
            {"uri": uri, "sort": "oldest", "offset": 0, "nested_limit": 5}, quote_via=urllib.parse.quote,
            safe="")


_made: dict[Path, Data] = {}


def prepare(work: Path) -> Data:
    """The bench's data in `work` (made on the first call)."""
    if work in _made:
        return _made[work]
    work.mkdir(parents=True, exist_ok=True)
    data = Data(isso_dir=work / "isso", rostra_env=fresh_rostra(work / "rostra"))
    print(f"  posting {sum(SIZES.values()) + MIXED_THREADS * MIXED_SIZE:,} comments through Isso's API",
          flush=True)
    with servers.isso(data.isso_dir, host=HOST + "/") as isso:
        for seed, (name, count) in enumerate(SIZES.items(), start=1):
            data.threads[name] = Thread(f"/{name}/")
            post_thread(isso.url, f"/{name}/", count, seed=seed)
        for n in range(1, MIXED_THREADS + 1):
            data.mixed.append(Thread(f"/mixed-{n}/"))
            post_thread(isso.url, f"/mixed-{n}/", MIXED_SIZE, seed=100 + n)
    rostra_import(data, data.isso_dir / "comments.db", "isso-db")
    export = work / "thread-100k.xml"
    write_disqus(export, BIG, per_thread=BIG)
    rostra_import(data, export, "disqus")
    export.unlink()
    data.threads["thread-100k"] = Thread(BIG_URI)
    with servers.rostra(data.rostra_env, log=work / "rostra.log") as rostra:
        for thread in [*data.threads.values(), *data.mixed]:
            found = get_json(rostra.url, "/api/v1/threads?" + urllib.parse.urlencode(
                {"site": "bench", "url": HOST + thread.uri}))
            thread.id, thread.page = found["id"], found["page_url"]
    data.far_cursor = far_cursor(data, data.threads["thread-100k"].id)
    _made[work] = data
    return data


def post_thread(isso_url: str, uri: str, count: int, *, seed: int) -> None:
    """`count` generated comments posted to Isso one by one, replies to the comment they answer."""
    ids = {}
    for _thread, n, parent, _when, words in generated_comments(count, count, seed):
        body = {"text": words, "author": f"Reader {n % 997}", "title": f"Story {uri}",
                "parent": ids.get(parent)}
        request = urllib.request.Request(
            f"{isso_url}/new?" + urllib.parse.urlencode({"uri": uri}), json.dumps(body).encode(),
            {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            ids[n] = json.load(response)["id"]


def rostra_import(data: Data, path: Path, kind: str) -> None:
    subprocess.run([*RUN_ROSTRA, "import", str(path), "--format", kind, "--site", "bench",
                    "--progress", "never"], env=data.rostra_env, cwd=ROOT, check=True,
                   capture_output=True)


def get_json(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return json.load(response)


def far_cursor(data: Data, thread_id: int) -> str:
    """The /api/v1/ cursor that starts page PAGE (or the last page) of a thread sorted oldest first:
    the id of the last top-level comment of the page before it (what `next_cursor` would hold)."""
    database = data.rostra_env["ROSTRA_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        (tops,) = db.execute("SELECT count(*) FROM discussion_comment WHERE thread_id = ? AND depth = 0",
                             (thread_id,)).fetchone()
        page = min(PAGE, -(-tops // PER_PAGE))
        if page <= 1:
            return ""
        (last,) = db.execute("SELECT id FROM discussion_comment WHERE thread_id = ? AND depth = 0 "
                             "ORDER BY id LIMIT 1 OFFSET ?",
                             (thread_id, (page - 1) * PER_PAGE - 1)).fetchone()
    return base64.urlsafe_b64encode(json.dumps(["oldest", last]).encode()).decode().rstrip("=")
