"""Network addresses are never stored. A comment keeps a keyed hash of its author's address (enough
to see that two comments came from one address in the same month, for duplicate and flood checks),
under a key that changes every month. Keys are random, kept in the database, and deleted once they
are older than ROSTRA_ADDRESS_RETENTION_DAYS (90), together with the hashes made with them: after
that, nobody (the operator included) can tell which address a comment came from, or link it to
other comments.
"""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from rostra.core.app_settings import app_settings
from rostra.identity.models import AddressKey

_keys: dict[str, str] = {}  # this process's copy of the current keys, by period


def period_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def address_hash(address: str | None, *, at: datetime | None = None) -> str:
    """The keyed hash of `address` for the month of `at` (now), or "" without an address."""
    if not address:
        return ""
    key = period_key(period_of(at or timezone.now()))
    return hmac.new(key.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def period_key(period: str) -> str:
    """The month's key, made (and the expired ones forgotten) by whoever needs it first."""
    key = _keys.get(period)
    if key is None:
        found = AddressKey.objects.filter(period=period).values_list("key", flat=True).first()
        if found is None:
            try:
                with transaction.atomic():
                    found = AddressKey.objects.create(period=period, key=secrets.token_hex(32)).key
            except IntegrityError:  # another process made it a moment ago
                found = AddressKey.objects.get(period=period).key
            forget_old_addresses()
        key = _keys[period] = found
    return key


def forget_old_addresses(now: datetime | None = None) -> tuple[int, int]:
    """Delete the keys and clear the hashes older than the retention period. Returns how many of
    each went."""
    from rostra.discussion.models import Comment

    now = now or timezone.now()
    cutoff = now - timedelta(days=app_settings.ADDRESS_RETENTION_DAYS)
    # A month's key hashes addresses until the month ends: it goes once that end is past the cutoff.
    expired = [p for p in AddressKey.objects.values_list("period", flat=True)
               if _month_end(p) <= cutoff]
    keys, _ = AddressKey.objects.filter(period__in=expired).delete()
    for period in expired:
        _keys.pop(period, None)
    hashes = Comment.objects.filter(created__lt=cutoff).exclude(address_hash="").update(address_hash="")
    return keys, hashes


def _month_end(period: str) -> datetime:
    year, month = map(int, period.split("-"))
    return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
