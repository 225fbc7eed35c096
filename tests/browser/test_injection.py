"""Script injection, proven in a real browser: every known XSS payload goes in through every text input
a reader or an importer controls, then every page that shows them is opened in chromium with a watch
that records any dialog, script call, injected element, dangerous link, navigation or CSP violation.

The payloads (tests/payloads.py) enter through:
- `rostra import` of one generated WXR file: each payload as a comment's body, author name, email and
  website, and as an article's title and link (the whole set, every field);
- the JSON API (`POST /api/v1/comments`) and the Isso-compatible API (`POST /isso/<site>/new`) over
  HTTP: one payload in every field of a request (refused as a whole when a field is invalid, then sent
  again with body and name only), the whole set through each, PER_THREAD comments to a page;
- lazy creation of threads through the JSON API: every payload as a new page's title and URL.
The surfaces opened: Rostra's article pages (every page of each thread), the embed on a host page,
Isso's own client on a host page, the moderation list (Django admin) and the Isso Atom feeds.

Its own server (own database) keeps thousands of hostile comments away from the other browser tests.
"""

import http.client
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import (
    _free_port,
    _rostra,
    _server_environment,
    _stop,
    serve,
)
from tests.payloads import load_payloads, payloads_available

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not payloads_available(), reason="shared fixtures are not beside this checkout"),
]

SITE = "xss"
PER_THREAD = 1000  # payload comments per imported thread; also the page size, so few pages
ADMIN_PAGES = 4  # pages of the moderation list opened (100 comments each)
MODERATOR = ("moderator", "not-a-secret-moderator-password")
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Installed in every frame before any of the page's own scripts: records what injected markup does.
WATCH = r"""
(() => {
  if (window.__rostraFound) return;
  const found = window.__rostraFound = [];
  const where = (node) => {
    for (let n = node; n; n = n.parentNode || n.host) {
      if (n.nodeType === 1 && n.id && /^(c\d+|isso-\d+)$/.test(n.id)) return n.id;
    }
    return null;
  };
  const note = (kind, detail, node) => found.push(
    {kind, detail: String(detail).slice(0, 300), where: node ? where(node) : null});
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = function (...args) { note("called " + name, args.join(" "), null); };
  }
  document.addEventListener("securitypolicyviolation", (e) => note(
    "CSP violation", `${e.violatedDirective} ${e.blockedURI} ${e.sample || ""}`, e.target), true);
  const BAD_TAGS = new Set(["IFRAME", "FRAME", "FRAMESET", "OBJECT", "EMBED", "APPLET", "BASE", "PORTAL"]);
  const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                             "background", "lowsrc", "dynsrc", "codebase"]);
  const URL_VALUES = new Set(["to", "from", "values"]);  // SVG animation of an href
  const BAD_SCHEME = /^[\s\u0000-\u001f]*(javascript|vbscript|livescript|data)\s*:/i;
  const unsafeUrl = (value) => {
    try {
      return !["http:", "https:"].includes(new URL(value, document.baseURI).protocol);
    } catch (e) { return false; }  // no URL at all: nothing a browser would follow
  };
  const allowedScript = (src) => {
    try {
      const url = new URL(src, location.href);
      return /^\/(static\/|embed\.js$|isso\/|admin\/jsi18n\/$)/.test(url.pathname)
        && url.hostname === "127.0.0.1";
    } catch (e) { return false; }
  };
  const inspect = (el) => {
    const tag = el.tagName.toUpperCase();
    if (BAD_TAGS.has(tag)) note("injected element", "<" + tag.toLowerCase() + ">", el);
    if (tag === "SCRIPT" && !allowedScript(el.getAttribute("src") || "")) {
      note("injected element", "<script> " + (el.getAttribute("src") || el.textContent), el);
    }
    if (tag === "META" && el.hasAttribute("http-equiv")) note("injected element", el.outerHTML, el);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) note("event handler attribute", `<${tag.toLowerCase()} ${name}>`, el);
      if (name === "srcdoc") note("srcdoc attribute", attr.value, el);
      if ((URL_ATTRS.has(name) && unsafeUrl(attr.value))
          || (URL_VALUES.has(name) && BAD_SCHEME.test(attr.value))) {
        note("script URL", `<${tag.toLowerCase()} ${name}="${attr.value}">`, el);
      }
    }
  };
  const scan = (root) => {
    if (root.nodeType === 1) inspect(root);
    for (const el of root.querySelectorAll("*")) {
      inspect(el);
      if (el.shadowRoot) scan(el.shadowRoot);
    }
  };
  const observe = (root) => new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === 1) scan(node);
      if (record.type === "attributes" && record.target.nodeType === 1) inspect(record.target);
    }
  }).observe(root, {childList: true, subtree: true, attributes: true});
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    observe(root);
    return root;
  };
  observe(document);
  window.__rostraScan = () => { scan(document); return found; };
})();
"""


# ---- the server, the host pages and the payloads going in ---------------------------------------

class Injection:
    def __init__(self, server, host: str, root: Path):
        self.server = server
        self.url = server.url
        self.host = host
        self.root = root
        self.payloads = load_payloads()
        self.tried = Counter()  # (surface, field) -> payloads sent
        self.stored = Counter()  # (surface, field) -> payloads stored as they were sent
        self.refused = Counter()
        self.payload_of: dict[int, int] = {}  # comment id -> payload index
        self.import_threads: list[str] = []  # page URLs of the imported payload threads
        self.api_threads: list[str] = []  # page URLs of the threads the JSON API wrote to
        self.isso_threads: list[str] = []  # and the Isso API
        self.lazy_urls: list[str] = []


def _write_wxr(path: Path, injection: Injection) -> None:
    """One WXR export: each payload in every field of a comment, and as an article's title and link."""
    def x(text: str) -> str:
        return escape(XML_INVALID.sub("\ufffd", text))

    payloads = injection.payloads
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                  'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Payloads</title>'
                  f"<link>{injection.host}</link><wp:wxr_version>1.2</wp:wxr_version>\n")

        def item(post_id, title, link, comments):
            out.write(f"<item><title>{x(title)}</title><link>{x(link)}</link>"
                      f"<wp:post_id>{post_id}</wp:post_id><wp:post_type>post</wp:post_type>"
                      f"<wp:status>publish</wp:status>\n")
            for comment_id, name, email, website, body in comments:
                out.write(f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                          f"<wp:comment_author>{x(name)}</wp:comment_author>"
                          f"<wp:comment_author_email>{x(email)}</wp:comment_author_email>"
                          f"<wp:comment_author_url>{x(website)}</wp:comment_author_url>"
                          "<wp:comment_date_gmt>2024-05-01 10:00:00</wp:comment_date_gmt>"
                          f"<wp:comment_content>{x(body)}</wp:comment_content>"
                          "<wp:comment_approved>1</wp:comment_approved>"
                          "<wp:comment_parent>0</wp:comment_parent></wp:comment>\n")
            out.write("</item>\n")

        for start in range(0, len(payloads), PER_THREAD):
            link = f"{injection.host}/import-{start // PER_THREAD}.html"
            injection.import_threads.append(link)
            item(start // PER_THREAD + 1, f"Imported payloads {start}", link,
                 [(p.index + 1, p.text, p.text, p.text, p.text) for p in payloads[start:start + PER_THREAD]])
        for p in payloads:  # the title and the link of a post
            item(100_000 + p.index, p.text, f"{injection.host}/t/{p.text}",
                 [(100_000 + p.index, "Title payload", "", "", f"Title payload {p.index}")])
        out.write("</channel></rss>\n")
    for field in ("body", "author_name", "author_email", "author_website", "title", "url"):
        injection.tried["import (WXR)", field] = len(payloads)


def _post(injection: Injection, path: str, data: dict) -> tuple[int, dict | str]:
    connection = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(injection.url).port,
                                            timeout=30)
    try:
        connection.request("POST", path, json.dumps(data),
                           {"Content-Type": "application/json", "Origin": injection.host})
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    try:
        return response.status, json.loads(text)
    except ValueError:
        return response.status, text


def _send_api(injection: Injection, payload, surface: str) -> None:
    """One payload in every field; refused (a field is invalid) -> again with body and name only."""
    p = payload.text
    page = payload.index // PER_THREAD
    if surface == "JSON API":
        def request(fields):
            return _post(injection, "/api/v1/comments", {
                "site": SITE, "url": injection.api_threads[page], "title": "JSON API payloads",
                "body": fields.get("body", ""), "author_name": fields.get("author_name", "Tester"),
                "author_email": fields.get("author_email", ""),
                "author_website": fields.get("author_website", ""),
            })
    else:
        def request(fields):
            uri = urllib.parse.urlsplit(injection.isso_threads[page]).path
            return _post(injection, f"/isso/xss/new?uri={uri}", {
                "text": fields.get("body", ""), "author": fields.get("author_name", "Tester"),
                "email": fields.get("author_email", ""), "website": fields.get("author_website", ""),
                "title": "Isso API payloads",
            })
    everything = {"body": p, "author_name": p, "author_email": p, "author_website": p}
    for field in everything:
        injection.tried[surface, field] += 1
    attempts = [everything, {"body": p, "author_name": p}, {"body": p}]
    for fields in attempts:
        status, answer = request(fields)
        assert status < 500, f"{surface} answered {status} for {p!r}: {answer}"
        if status in (200, 201, 202):
            injection.payload_of[answer["id"]] = payload.index
            for field in fields:
                injection.stored[surface, field] += 1
            return
    injection.refused[surface, "body"] += 1


def _send_lazy(injection: Injection, payload) -> None:
    url = f"{injection.host}/lazy/{payload.text}"
    status, answer = _post(injection, "/api/v1/comments", {
        "site": SITE, "url": url, "title": payload.text, "body": f"Lazy thread {payload.index}",
        "author_name": "Tester", "author_email": "", "author_website": "",
    })
    assert status < 500, f"lazy creation answered {status} for {payload.text!r}: {answer}"
    for field in ("title", "url"):
        injection.tried["JSON API (lazy thread)", field] += 1
        injection.stored["JSON API (lazy thread)", field] += status == 201
    if status == 201:
        injection.lazy_urls.append(url)


@pytest.fixture(scope="module")
def injection(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("injection-var")
    root = tmp_path_factory.mktemp("injection-host")
    host_port = _free_port()
    host = f"http://127.0.0.1:{host_port}"
    env = _server_environment(var_dir)
    env.update(ROSTRA_COMMENTS_PER_PAGE=str(PER_THREAD), ROSTRA_RATE_LIMITS="off",
               DJANGO_SUPERUSER_PASSWORD=MODERATOR[1])
    _rostra("migrate", "--no-input", "-v0", env=env, cwd=var_dir)
    _rostra("createsite", "--slug", SITE, "--name", "Injection", "--origin", host, env=env, cwd=var_dir)
    _rostra("createsuperuser", "--no-input", "--username", MODERATOR[0], "--email",
            "moderator@example.org", env=env, cwd=var_dir)
    host_server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(host_port), "--bind", "127.0.0.1", "--directory",
         str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    server = serve(var_dir, env, workers=2)  # some 40,000 requests go in over HTTP
    try:
        injection = Injection(server, host, root)
        wxr = var_dir / "payloads.xml"
        _write_wxr(wxr, injection)
        started = time.monotonic()
        _rostra("import", str(wxr), "--format", "wxr", "--site", SITE, env=env, cwd=var_dir)
        for field in ("body", "author_name", "author_email", "author_website", "title", "url"):
            injection.stored["import (WXR)", field] = len(injection.payloads)  # refused ones: none
        injection.timings = {"import": time.monotonic() - started}
        started = time.monotonic()
        for page in range(-(-len(injection.payloads) // PER_THREAD)):
            injection.api_threads.append(f"{host}/api-{page}.html")
            injection.isso_threads.append(f"{host}/isso-api-{page}.html")
        jobs = [(p, surface) for p in injection.payloads for surface in ("JSON API", "Isso API")]
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda job: _send_api(injection, *job), jobs))
            list(pool.map(lambda p: _send_lazy(injection, p), injection.payloads))
        injection.timings["HTTP"] = time.monotonic() - started
        _write_host_pages(injection)
        yield injection
    finally:
        _stop(server.process)
        _stop(host_server)


EMBED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>
<body><h1>A host page</h1>
<div class="rostra-thread" data-rostra-site="xss" data-rostra-url="{url}" data-rostra-title="Host"></div>
<script src="{rostra}/embed.js" async></script></body></html>
"""
ISSO_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Isso host</title>
<script data-isso="{rostra}/isso/xss/" data-isso-max-comments-nested="inf"
        src="{rostra}/isso/xss/js/embed.min.js"></script></head>
<body><h1>An Isso host page</h1><section id="isso-thread" data-isso-id="{uri}"></section></body></html>
"""


def _threads(injection: Injection) -> list[tuple[str, str]]:
    """(label, page URL) of every thread holding payload comments."""
    return ([(f"JSON API {n}", url) for n, url in enumerate(injection.api_threads)]
            + [(f"Isso API {n}", url) for n, url in enumerate(injection.isso_threads)]
            + [(f"import {n}", url) for n, url in enumerate(injection.import_threads)])


def _write_host_pages(injection: Injection) -> None:
    for n, (_, url) in enumerate(_threads(injection)):
        (injection.root / f"embed-{n}.html").write_text(EMBED_PAGE.format(url=url, rostra=injection.url))
        uri = urllib.parse.urlsplit(url).path
        (injection.root / f"isso-{n}.html").write_text(ISSO_PAGE.format(uri=uri, rostra=injection.url))


# ---- the browser ---------------------------------------------------------------------------------

class Watch:
    """What one surface's pages did: findings from the page's own watch, dialogs, navigations."""

    def __init__(self, context):
        self.findings: list[dict] = []
        self.console: list[str] = []
        self.context = context
        context.add_init_script(WATCH)
        context.on("page", self._page)

    def _page(self, page):
        page.on("dialog", lambda d: (self.findings.append({"kind": "dialog", "detail": d.message,
                                                           "where": None}), d.dismiss()))
        page.on("popup", lambda p: self.findings.append({"kind": "popup", "detail": p.url,
                                                         "where": None}))
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)

    def open(self, page, url: str, ready: str | None = None) -> None:
        navigations = []
        page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
        try:
            response = page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as error:  # a navigation the page started itself cut the load short
            self.findings.append({"kind": "page load broken", "detail": f"{url}: {error.message[:200]}",
                                  "where": None})
            return None
        if ready:
            try:
                page.wait_for_function(ready, timeout=120_000)
            except PlaywrightTimeout:  # injected markup can stop a client drawing the thread
                self.findings.append({"kind": "page never got ready", "detail": url, "where": None})
        page.wait_for_timeout(250)  # timers and autofocus handlers a payload might have set
        seen = {json.dumps(f, sort_keys=True) for f in self.findings}
        for finding in page.evaluate("() => window.__rostraScan ? window.__rostraScan() : []"):
            if json.dumps(finding, sort_keys=True) not in seen:  # the watch may see a node twice
                seen.add(json.dumps(finding, sort_keys=True))
                self.findings.append(finding)
        page.evaluate("() => { if (window.__rostraFound) window.__rostraFound.length = 0; }")
        for target in navigations[1:]:  # the first is the page itself (after any server redirect)
            self.findings.append({"kind": "navigation", "detail": target, "where": None})
        return response


EMBED_READY = """() => { const h = document.querySelector('.rostra-thread');
  return h && h.shadowRoot && h.shadowRoot.querySelector('.form-heading'); }"""
ISSO_READY = """() => { const h = document.querySelector('#isso-thread .isso-thread-heading');
  return h && /Comment/.test(h.textContent) && document.querySelector('#isso-thread .isso-comment'); }"""


def _count(page, response, count) -> int:
    if response is None:
        return 0
    try:
        return count(response) if callable(count) else page.evaluate(count)
    except PlaywrightError:
        return 0


def test_no_payload_runs_script_anywhere_it_is_shown(injection, browser, artifacts_dir):
    surfaces: dict[str, dict] = {}
    thread_api = {}
    for label, url in _threads(injection):
        query = urllib.parse.urlencode({"site": SITE, "url": url})
        with urllib.request.urlopen(f"{injection.url}/api/v1/threads?{query}", timeout=30) as answer:
            thread_api[label] = json.load(answer)

    def surface(name, visits):
        """visits: (url, ready script, count script) for each page of the surface."""
        started = time.monotonic()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(60_000)
        watch = Watch(context)
        page = context.new_page()
        if name == "moderation list":
            page.goto(f"{injection.url}/admin/login/")
            page.fill("#id_username", MODERATOR[0])
            page.fill("#id_password", MODERATOR[1])
            page.click("input[type=submit]")
            page.wait_for_url(re.compile(r"/admin/$"))
        shown = 0
        for url, ready, count in visits:
            response = watch.open(page, url, ready)
            shown += _count(page, response, count)
        context.close()
        surfaces[name] = {"pages": len(visits), "payload items shown": shown,
                          "findings": watch.findings, "seconds": round(time.monotonic() - started, 1)}

    article_visits = []
    for thread in thread_api.values():
        pages = -(-thread["comment_count"] // PER_THREAD) or 1
        for number in range(1, pages + 1):
            article_visits.append((f"{injection.url}{thread['page_url']}?page={number}", None,
                                   "() => document.querySelectorAll('#comment-list article.comment').length"))
    article_visits.append((f"{injection.url}/", None,
                           "() => document.querySelectorAll('.article-item').length"))
    for url in injection.lazy_urls[:10]:  # the lazily created threads' own pages (titles, URLs)
        query = urllib.parse.urlencode({"site": SITE, "url": url})
        article_visits.append((f"{injection.url}/discuss?{query}", None, "() => 1"))
    surface("article pages", article_visits)

    shadow_count = ("() => document.querySelector('.rostra-thread').shadowRoot"
                    ".querySelectorAll('.comment').length")
    surface("embed on a host page", [(f"{injection.host}/embed-{n}.html", EMBED_READY, shadow_count)
                                     for n in range(len(thread_api))])
    # Isso's client takes ~10 ms a comment to draw: the first thread each API wrote to, and the
    # first imported one.
    firsts = (0, len(injection.api_threads), len(injection.api_threads) + len(injection.isso_threads))
    surface("Isso client", [(f"{injection.host}/isso-{n}.html", ISSO_READY,
                             "() => document.querySelectorAll('.isso-comment').length")
                            for n in firsts])
    rows = "() => document.querySelectorAll('#result_list tbody tr').length"
    admin = [(f"{injection.url}/admin/discussion/comment/?p={n}", None, rows) for n in range(ADMIN_PAGES)]
    admin += [(f"{injection.url}/admin/discussion/comment/?q=Title+payload&p={n}", None, rows)
              for n in range(ADMIN_PAGES)]
    admin += [(f"{injection.url}/admin/articles/article/?p={n}", None, rows) for n in range(ADMIN_PAGES)]
    # every lazily created thread's title, 100 to a page
    admin += [(f"{injection.url}/admin/articles/article/?q=%2Flazy%2F&p={n}", None, rows)
              for n in range(-(-len(injection.lazy_urls) // 100))]
    surface("moderation list", admin)
    def entries(response):
        return response.text().count("<entry")
    surface("Atom feeds", [(f"{injection.url}/isso/xss/feed?" + urllib.parse.urlencode(
        {"uri": urllib.parse.urlsplit(url).path}), None, entries) for _, url in _threads(injection)])

    reported = [line for line in injection.server.log_tail(200_000).splitlines() if "CSP violation" in line]
    report = _report(injection, surfaces, reported)
    print("\n" + report)
    (artifacts_dir / "injection-report.txt").write_text(report)
    executions = sum(len(s["findings"]) for s in surfaces.values()) + len(reported)
    assert executions == 0, report


def _payload_index(injection: Injection, comment_id: int) -> int | None:
    """The payload a comment carries (asked of the API for imported comments)."""
    if comment_id not in injection.payload_of:
        with urllib.request.urlopen(f"{injection.url}/api/v1/comments/{comment_id}", timeout=30) as answer:
            body = json.load(answer)["body"]
        by_text = {p.text.strip(): p.index for p in injection.payloads}
        injection.payload_of[comment_id] = by_text.get(body.strip())
    return injection.payload_of[comment_id]


def _report(injection: Injection, surfaces: dict, reported: list[str]) -> str:
    payloads = injection.payloads
    lines = [f"Injection report: {len(payloads)} distinct payloads", "", "Payloads per source "
             "(distinct in the source; a payload found in several sources counts in each):"]
    per_source = Counter(source for p in payloads for source in p.sources)
    found_by_source = Counter()
    for s in surfaces.values():
        for finding in s["findings"]:
            match = re.fullmatch(r"c(\d+)", finding.get("where") or "") or re.fullmatch(
                r"isso-(\d+)", finding.get("where") or "")
            index = _payload_index(injection, int(match.group(1))) if match else None
            for source in payloads[index].sources if index is not None else ("(not attributable)",):
                found_by_source[source] += 1
    for source, count in sorted(per_source.items()):
        lines.append(f"  {source:<58} {count:>6}   executions {found_by_source[source]}")
    if found_by_source["(not attributable)"]:
        lines.append(f"  {'(not attributable)':<58} {'':>6}   executions "
                     f"{found_by_source['(not attributable)']}")
    lines += ["", "Input surfaces (payloads tried / accepted; an import accepts every record, cleaning its "
              "text and dropping websites that are not http(s)):"]
    for (surface, field), tried in sorted(injection.tried.items()):
        lines.append(f"  {surface + ': ' + field:<45} {tried:>6} / {injection.stored[surface, field]:>6}")
    lines += ["", "Surfaces opened in chromium (pages, payload items shown, executions, seconds):"]
    for name, s in surfaces.items():
        lines.append(f"  {name:<22} {s['pages']:>4} pages {s['payload items shown']:>7} items "
                     f"{len(s['findings']):>4} executions {s['seconds']:>6} s")
        kinds = Counter(f["kind"] for f in s["findings"])
        for kind, count in kinds.most_common():
            lines.append(f"      {kind}: {count}")
        for finding in s["findings"][:10]:
            lines.append(f"      e.g. {finding}")
    lines.append(f"  CSP reports received at /csp-report: {len(reported)}")
    for line in reported[:5]:
        lines.append(f"      {line[:300]}")
    lines.append("")
    lines.append("Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in injection.timings.items()))
    return "\n".join(lines) + "\n"

