"""The plain-text page importer, tested on the page Rostra was founded on."""

from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from rostra.articles.models import Article
from rostra.discussion.models import Comment
from rostra.porting.load import load_thread
from rostra.porting.page import read_page
from rostra.porting.records import SourceError
from tests.conftest import FOUNDING_PAGE, SHARED, at

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def founding_text():
    return FOUNDING_PAGE.read_text(encoding="utf-8")


def test_shipped_demo_page_is_the_founding_fixture(founding_text):
    fixture = SHARED / "fixtures" / "pages" / "raqqa-convoys.txt"
    if not fixture.exists():
        pytest.skip("shared fixtures are not beside this checkout")
    assert founding_text == fixture.read_text(encoding="utf-8")


def test_reader_finds_headline_byline_and_figure(founding_text):
    article, _ = read_page(founding_text, tz=NEW_YORK)
    assert article.title == "New Video Emerges Of ISIS Convoys Leaving Raqqa Under US Coalition Watch"
    assert (article.submitted_by, article.via) == ("Leith Fadel", "Al-Masdar News")
    assert article.image_caption == (
        "A Kurdish SDF fighter looks as smoke rises above Raqqa, Summer 2017."
    )
    assert article.image_credit == "Reuters via Al-Masdar News"
    assert article.image_position == 2
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 10
    assert paragraphs[0].startswith("New footage has recently emerged")
    assert paragraphs[2].startswith("This is the footage we shot. We still keep them,” said")
    assert paragraphs[-1].endswith("for the Deir Ezzor Governorate.")


def test_reader_reproduces_the_comments_in_page_order_with_placeholder_parents(founding_text):
    _, comments = read_page(founding_text, tz=NEW_YORK)
    shape = [(c.author_name, c.is_placeholder, c.created) for c in comments]
    assert shape == [
        ("doctor10", True, None),
        ("GUS100CORRINA", False, at("2018-01-05 22:15")),
        ("knukles", True, None),
        ("Ace006", False, at("2018-01-06 14:30")),
        ("IH8OBAMA", True, None),
        ("Conscious Reviver", False, at("2018-01-05 23:33")),
        ("Rjh", True, None),
        ("OverTheHedge", False, at("2018-01-06 01:24")),
    ]
    for placeholder, reply in zip(comments[::2], comments[1::2], strict=True):
        assert reply.parent_source_id == placeholder.source_id
    overthehedge = comments[-1]
    assert overthehedge.body.split("\n\n") == [
        "So ISIS fighters never left? Or just went elsewhere than suggested? Which part is "
        "propaganda, oh mighty and misterious intellectual?",
        "Where did they go?",
        "Why were they allowed to go?",
        "Who was on the trucks and busses, if not Isis?",
        "Please tell, as you seem to have all the answers.",
    ]


def test_import_stores_the_thread_exactly(site, founding_text):
    article, comments = read_page(founding_text, tz=site.tzinfo)
    report = load_thread(site, article, comments)
    assert (report.articles_created, report.comments_created) == (1, 8)
    thread = Article.objects.get(site=site)
    assert thread.comment_count == 4
    stored = list(Comment.objects.filter(thread=thread).order_by("path"))
    assert [(c.author_name, c.depth, c.parent.author_name if c.parent else None) for c in stored] == [
        ("doctor10", 0, None), ("GUS100CORRINA", 1, "doctor10"),
        ("knukles", 0, None), ("Ace006", 1, "knukles"),
        ("IH8OBAMA", 0, None), ("Conscious Reviver", 1, "IH8OBAMA"),
        ("Rjh", 0, None), ("OverTheHedge", 1, "Rjh"),
    ]
    gus = stored[1]
    assert gus.body_format == "plain"
    assert gus.body_html.startswith(
        "<p>After knowing what I know about the DEEP STATE and SHADOW GOVERNMENT"
    )
    assert "<p>&quot;I tremble" not in gus.body_html  # plain text: quotes kept as typed
    assert '<p>"I tremble for my nation' in gus.body_html
    assert gus.created == at("2018-01-05 22:15")
    assert thread.body_html.count("<figure") == 1
    assert "Image source: Reuters via Al-Masdar News" in thread.body_html


def test_markdown_characters_in_a_page_stay_as_text(site):
    page = (
        "Headline\n\nSubmitted by A via B,\n\nBody *not emphasis*.\n\n"
        "Reader Sat, 01/06/2018 - 14:30 Permalink\n\n**not bold** <b>not html</b>\n"
    )
    article, comments = read_page(page, tz=site.tzinfo)
    load_thread(site, article, comments)
    comment = Comment.objects.get()
    assert comment.body_html == "<p>**not bold** &lt;b&gt;not html&lt;/b&gt;</p>"
    assert "*not emphasis*" in Article.objects.get().body_html


def test_importing_twice_adds_nothing(site, founding_text):
    for _ in range(2):
        article, comments = read_page(founding_text, tz=site.tzinfo)
        report = load_thread(site, article, comments)
    assert (report.articles_existing, report.comments_existing, report.comments_created) == (1, 8, 0)
    assert Comment.objects.count() == 8
    assert Article.objects.get().comment_count == 4


@pytest.mark.parametrize(
    ("cut", "line", "words"),
    [
        # the file ends in the middle of the last header
        (lambda t: t[: t.index("OverTheHedge Rjh") + len("OverTheHedge Rjh Sat, 01/06/20")],
         None, "cannot read this comment header"),
        # a header whose date is not the weekday it claims
        (lambda t: t.replace("Sat, 01/06/2018 - 14:30", "Sat, 01/07/2018 - 14:30"), None,
         "was a Sun"),
        # a header whose month does not exist
        (lambda t: t.replace("Fri, 01/05/2018 - 23:33", "Fri, 13/05/2018 - 23:33"), None,
         "not a real time"),
        # the closing line names someone the header does not
        (lambda t: t.replace("In reply to by knukles", "In reply to by somebody"), None,
         "replies to 'somebody'"),
        # a reply cut off right after its header
        (lambda t: t[: t.index("So ISIS fighters")], None, "has no text"),
        # a damaged byline
        (lambda t: t.replace("Submitted by Leith Fadel", "Submited by Leith Fadel"), 3,
         "Submitted by NAME"),
        (lambda t: "", 1, "empty"),
    ],
)
def test_damaged_page_reports_the_line_and_imports_nothing(tmp_path, site, founding_text, cut,
                                                            line, words):
    damaged = cut(founding_text)
    path = tmp_path / "damaged.txt"
    path.write_text(damaged, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path), format="page", site=site.slug)
    message = str(caught.value)
    assert words in message
    assert "line " in message and "Nothing was imported" in message
    if line:
        assert f"line {line}:" in message
    assert Article.objects.count() == 0 and Comment.objects.count() == 0


def test_damaged_header_names_its_line(founding_text):
    broken = founding_text.replace("Fri, 01/05/2018 - 23:33", "Fri, 01/05/2018 23:33")
    expected_line = founding_text[: founding_text.index("Conscious Reviver IH8OBAMA")].count("\n") + 1
    with pytest.raises(SourceError) as caught:
        read_page(broken, tz=NEW_YORK)
    assert caught.value.line == expected_line


def test_failure_part_way_through_loading_leaves_nothing_behind(site, founding_text, monkeypatch):
    from rostra.porting import load

    real, calls = load.render, []

    def failing_on_the_fifth(*args):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("the disk filled up")
        return real(*args)

    monkeypatch.setattr(load, "render", failing_on_the_fifth)
    article, comments = read_page(founding_text, tz=site.tzinfo)
    with pytest.raises(RuntimeError):
        load_thread(site, article, comments)
    assert Article.objects.count() == 0 and Comment.objects.count() == 0


def test_a_reply_whose_parent_is_not_in_the_source_hangs_under_a_placeholder(site, founding_text):
    article, comments = read_page(founding_text, tz=site.tzinfo)
    comments[-1].parent_source_id = "not-in-this-import"
    report = load_thread(site, article, comments)
    orphan = Comment.objects.get(author_name="OverTheHedge")
    assert orphan.parent.is_placeholder and orphan.parent.source_id == "missing:not-in-this-import"
    assert report.placeholders_created == 5


def test_import_command_reports_what_it_did(tmp_path, site, capsys):
    call_command("import", str(FOUNDING_PAGE), format="page", site=site.slug)
    out = capsys.readouterr().out
    assert "articles: 1 imported" in out and "comments: 8 imported" in out


def test_import_into_a_missing_site_says_how_to_make_one(db):
    with pytest.raises(CommandError, match="rostra createsite"):
        call_command("import", str(FOUNDING_PAGE), format="page", site="nope")


def test_two_comments_by_one_author_in_one_minute_are_both_kept(site):
    page = (
        "Headline\n\nSubmitted by A via B,\n\nBody.\n\n"
        "alice Fri, 01/05/2018 - 22:15 Permalink\n\nFirst.\n\n"
        "alice Fri, 01/05/2018 - 22:15 Permalink\n\nSecond.\n\n"
        "bob alice Fri, 01/05/2018 - 22:16 Permalink\n\nReply one.\n\nIn reply to by alice\n\n"
        "bob alice Fri, 01/05/2018 - 22:16 Permalink\n\nReply two.\n\nIn reply to by alice"
    )
    for _ in range(2):
        article, comments = read_page(page, tz=site.tzinfo)
        report = load_thread(site, article, comments)
    assert report.comments_existing == 6 and report.comments_created == 0
    assert sorted(Comment.objects.values_list("body_source", flat=True)) == sorted(
        ["First.", "Second.", "Reply one.", "Reply two.", "", ""])


def test_progress_lines_and_the_counts_table(site, tmp_path):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import", str(FOUNDING_PAGE), site=site.slug, stdout=out, stderr=err)
    assert "import raqqa-convoys.txt: 8 comments" in err.getvalue()
    table = out.getvalue().splitlines()
    assert any(line.split() == ["comments", "8", "0"] for line in table)
    assert any(line.split()[:2] == ["authors", "4"] for line in table)  # 4 placeholders have none
    quiet = StringIO()
    call_command("import", str(FOUNDING_PAGE), site=site.slug, progress="never", stdout=StringIO(),
                 stderr=quiet)
    assert quiet.getvalue() == ""
