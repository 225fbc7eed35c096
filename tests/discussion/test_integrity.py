"""rostra check --data: quiet on a sound database, and each rule catches the damage it is about."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rostra.articles.models import Article
from rostra.discussion.models import Comment


def check() -> str:
    out = StringIO()
    call_command("check", data=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def thread(make_comment):
    top = make_comment()
    reply = make_comment(parent=top)
    make_comment(parent=reply)
    return top


def test_a_sound_database_passes(thread):
    out = check()
    assert "database file: ok" in out and "The stored discussions are consistent." in out


@pytest.mark.parametrize(("damage", "rule"), [
    (lambda top: Comment.objects.filter(depth=2).update(path="0000001"),
     "every path is its parent's path"),
    (lambda top: Article.objects.update(comment_count=7), "every thread's count"),
    (lambda top: Comment.objects.filter(depth=1).update(root=None), "no comment lacks its root"),
    (lambda top: Comment.objects.filter(depth=2).update(root=Comment.objects.get(depth=1)),
     "every root is the top-level comment"),
    ("elsewhere", "every parent exists and is in the same thread"),
])
def test_each_rule_finds_its_damage(thread, damage, rule, make_article, make_comment):
    if damage == "elsewhere":
        stranger = make_comment(thread=make_article())
        Comment.objects.filter(depth=2).update(parent=stranger)
    else:
        damage(thread)
    with pytest.raises(CommandError, match="not consistent"):
        check()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check", data=True, stdout=out)
    broken = [line for line in out.getvalue().splitlines() if "rows break it" in line]
    assert any(line.startswith(rule) for line in broken), broken
