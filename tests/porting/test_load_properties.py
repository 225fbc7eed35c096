"""The neutral-record loader against random trees in adversarial orders: children before parents,
missing parents, self-parents, cycles and ids given twice. Whatever the order, every comment is
stored once, the tree is consistent, counters match, and a second load adds nothing."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rostra.articles.models import Article
from rostra.discussion.models import SEGMENT_WIDTH, Comment, decode_segment
from rostra.porting.load import load_records
from rostra.porting.records import ArticleRecord, CommentRecord

pytestmark = pytest.mark.django_db


@st.composite
def forests(draw):
    """(records in an adversarial order, {id: parent id as given}) for up to 40 comments."""
    size = draw(st.integers(1, 40))
    ids = [f"c{n}" for n in range(size)]
    parents = {}
    for n, cid in enumerate(ids):
        parents[cid] = draw(st.one_of(
            st.none(),
            st.sampled_from(ids),  # any comment, later ones and itself included: cycles happen
            st.just(f"gone{n % 3}"),  # a parent the file never holds
        ))
    records = [CommentRecord(source_id=cid, parent_source_id=parents[cid], author_name=f"A {cid}",
                             body=f"Body of {cid}", created=None, article_source_id="t1")
               for cid in ids]
    records += draw(st.lists(st.sampled_from(records), max_size=5))  # some given twice
    return draw(st.permutations(records)), parents


def article():
    return ArticleRecord(source="test", source_id="t1", slug="t", title="T", url="https://x.org/t")


def chain_is_whole(cid, parents):
    """Whether following parents from `cid` reaches the top without a cycle or a missing parent."""
    seen = set()
    while parents.get(cid) is not None:
        if cid in seen or parents[cid] not in parents:
            return False
        seen.add(cid)
        cid = parents[cid]
    return cid not in seen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forest=forests())
def test_any_order_gives_one_consistent_tree(site, forest):
    records, parents = forest
    with transaction.atomic():
        report = load_records(site, [article(), *records])
        comments = {c.pk: c for c in Comment.objects.all()}
        by_source = {}
        for comment in comments.values():
            assert comment.source_id not in by_source, "stored twice"
            by_source[comment.source_id] = comment
        real = {sid for sid in by_source if not sid.startswith("missing:")}
        assert real == set(parents)
        assert report.comments_created == len(comments)
        for comment in comments.values():
            segments = [comment.path[i:i + SEGMENT_WIDTH]
                        for i in range(0, len(comment.path), SEGMENT_WIDTH)]
            assert decode_segment(segments[-1]) == comment.pk
            assert comment.depth == len(segments) - 1
            assert comment.root_id == decode_segment(segments[0])
            if comment.parent_id is None:
                assert comment.depth == 0
            else:
                assert comments[comment.parent_id].path + segments[-1] == comment.path
        for cid, parent in parents.items():
            if parent is not None and chain_is_whole(cid, parents):
                assert by_source[cid].parent.source_id == parent
        thread = Article.objects.get()
        assert thread.comment_count == sum(not c.is_placeholder for c in comments.values())
        again = load_records(site, [article(), *records])
        assert again.comments_created == 0 and Comment.objects.count() == len(comments)
        transaction.set_rollback(True)
