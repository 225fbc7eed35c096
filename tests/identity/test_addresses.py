"""No network address is stored: comments keep a monthly keyed hash, and old keys and hashes go."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone

from rostra.discussion.models import Comment
from rostra.identity import addresses
from rostra.identity.addresses import address_hash, forget_old_addresses
from rostra.identity.models import AddressKey


def test_posting_stores_a_hash_and_never_the_address(client, article, settings):
    response = client.post(f"/a/{article.slug}/comments", {
        "body": "From a recognisable address", "author_name": "Ana"}, REMOTE_ADDR="203.0.113.77")
    assert response.status_code in (302, 303), response.content[:300]
    comment = Comment.objects.get(body_source="From a recognisable address")
    assert len(comment.address_hash) == 32
    assert comment.address_hash == address_hash("203.0.113.77")
    dump = "\n".join(connection.connection.iterdump())  # every table, every row
    assert "203.0.113.77" not in dump


def test_the_same_address_hashes_alike_within_a_month_and_differently_across_months(db):
    june = datetime(2026, 6, 15, tzinfo=UTC)
    assert address_hash("198.51.100.1", at=june) == address_hash("198.51.100.1", at=june + timedelta(days=10))
    assert address_hash("198.51.100.1", at=june) != address_hash("198.51.100.2", at=june)
    assert address_hash("198.51.100.1", at=june) != address_hash("198.51.100.1", at=june + timedelta(days=31))
    assert address_hash("") == "" and address_hash(None) == ""


def test_keys_and_hashes_older_than_the_retention_are_forgotten(make_comment, settings):
    settings.ROSTRA_ADDRESS_RETENTION_DAYS = 90
    now = timezone.now()  # the recent comment is made at the real time: one clock for both
    old_moment = now - timedelta(days=200)
    old = make_comment(body="Long ago", address="192.0.2.9", created=old_moment)
    Comment.objects.filter(pk=old.pk).update(address_hash=address_hash("192.0.2.9", at=old_moment),
                                             created=old_moment)
    recent = make_comment(body="Lately", address="192.0.2.9")
    address_hash("192.0.2.9", at=now)
    _, hashes = forget_old_addresses(now)
    assert hashes == 1  # (the expired key went when the next month's key was made)
    assert Comment.objects.get(pk=old.pk).address_hash == ""
    assert Comment.objects.get(pk=recent.pk).address_hash != ""
    assert addresses.period_of(old_moment) not in AddressKey.objects.values_list("period", flat=True)
    assert addresses.period_of(now) in AddressKey.objects.values_list("period", flat=True)
