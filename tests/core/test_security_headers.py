"""Every HTML page carries a strict Content-Security-Policy and the other protective headers; links to
authors' websites and in comments are http(s) only and marked as user content."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.template import engines
from django.test import RequestFactory

from rostra.api.isso.present import isso_comment
from rostra.api.v1.serialize import comment_json
from rostra.core.markup import render_markdown, sanitize_html, web_address

REL = 'rel="nofollow ugc noopener"'


@pytest.fixture
def mod_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("mod", "mod@example.org", "pw"))
    return client


def pages(article, comment):
    return {
        "front page": "/",
        "article page": article.get_absolute_url(),
        "permalink's page": f"/c/{comment.pk}",
        "moderation list": "/admin/discussion/comment/",
        "moderation change form": f"/admin/discussion/comment/{comment.pk}/change/",
        "audit trail": "/admin/moderation/moderationaction/",
        "not found (404)": "/a/no-such-story/",
    }


def check_headers(response, label):
    assert response["Content-Type"].startswith("text/html"), label
    policy = response.get("Content-Security-Policy", "")
    directives = dict((d.split(" ", 1) + [""])[:2] for d in policy.split("; "))
    assert "'self'" in directives.get("script-src", ""), (label, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (label, policy)
    assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'", label
    assert directives.get("frame-ancestors") == "'none'", label
    assert directives.get("report-uri") == "/csp-report", label
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["Referrer-Policy"] == "same-origin", label
    assert response["X-Frame-Options"] == "DENY", label


def test_every_html_page_type_sends_the_protective_headers(client, mod_client, article, make_comment):
    comment = make_comment(body="Words", author_website="https://example.org/me")
    for label, path in pages(article, comment).items():
        check_headers(mod_client.get(path, follow=True), label)
    client.logout()
    check_headers(client.get("/admin/login/"), "login")
    check_headers(client.get("/", HTTP_HOST="bad host name"), "bad request (400)")


def test_the_nonce_a_template_uses_is_the_one_in_the_header(rf_request_with_csp):
    request, respond = rf_request_with_csp
    html = engines["django"].from_string("<script nonce='{{ csp_nonce }}'></script>").render(
        {}, request)
    nonce = re.search(r"nonce='([^']+)'", html).group(1)
    assert f"'nonce-{nonce}'" in respond()["Content-Security-Policy"]


@pytest.fixture
def rf_request_with_csp():
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    middleware = CSPMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    middleware.process_request(request)
    return request, lambda: middleware.process_response(request, HttpResponse())


def test_browsers_report_violations_to_an_endpoint_that_logs_them(client, caplog):
    report = {"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}
    response = client.post("/csp-report", json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    assert "CSP violation" in caplog.text and "script-src" in caplog.text
    assert client.post("/csp-report", "x" * 20_000, content_type="application/csp-report").status_code == 413


def test_website_links_are_user_content_and_only_http(client, article, make_comment):
    good = make_comment(author_name="Linked", author_website="https://example.org/me")
    bad = make_comment(author_name="Scripted", author_website="javascript:alert(1)")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="https://example.org/me" {REL}>Linked</a>' in page
    assert "javascript:" not in page and ">Scripted</span>" in page
    assert comment_json(bad)["author_website"] == "" and comment_json(good)["author_website"]
    assert isso_comment(bad)["website"] is None
    assert isso_comment(good)["website"] == "https://example.org/me"


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>", "mailto:someone@example.org", "//example.org/x",
    "/relative", "https:", "https://exa mple.org",
])
def test_only_http_addresses_survive(url):
    assert web_address(url) == ""
    for html in (render_markdown(f"[link]({url})"), sanitize_html(f'<a href="{url}">link</a>')):
        assert "href" not in html, html


def test_http_links_in_bodies_are_kept_and_marked(client):
    for html in (render_markdown("[link](https://example.org/a)"),
                 sanitize_html('<a href="http://example.org/a">link</a>')):
        assert re.search(rf'<a href="https?://example.org/a" {REL}>link</a>', html), html
