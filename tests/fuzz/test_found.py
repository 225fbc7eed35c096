"""What the fuzz suites found, kept as plain fast tests so that it stays fixed."""

import json

import pytest

from rostra.core.markup import render_plain_text


@pytest.fixture
def site(make_site):
    return make_site(slug="news", domains=["news.example.org"], origins=["https://news.example.org"])


def test_isso_feed_leaves_out_what_xml_cannot_carry(client, site):
    # schemathesis: GET /isso/news/feed?uri=…%0C… was a 500 (Django's Atom writer refuses control
    # characters); a name holding one broke the feed of its whole thread the same way.
    posted = client.post("/isso/news/new?uri=/story/", json.dumps({"text": "Hello\x0b there",
                         "author": "Ana\x0cBel"}), content_type="application/json")
    assert posted.status_code == 201
    for uri in ("/story/", "/st\x0cory\x11/"):
        response = client.get("/isso/news/feed", {"uri": uri})
        assert response.status_code == 200 and b"\x0c" not in response.content
    assert b"<name>AnaBel</name>" in client.get("/isso/news/feed", {"uri": "/story/"}).content


def test_plain_text_never_puts_a_nul_in_html():
    # hypothesis (tests/fuzz/test_markup.py): nh3 drops NUL, so the stored HTML was not what it keeps.
    assert render_plain_text("a\x00b") == "<p>a\ufffdb</p>"
