"""The store of rate-limit counters: Django's database cache, with an increment that is atomic across
processes (Django's own reads and writes back, so two workers counting at once could lose a hit, and
it would reset the entry's expiry).

It is the "limits" cache (settings.CACHES): every process of one Rostra counts in the same table,
`rostra_rate_counters`, which `rostra migrate` creates. A site with Redis or memcached can point the
"limits" cache there instead; any cache with an atomic `incr` will do.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now

TABLE = "rostra_rate_counters"


class CounterCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        q = connection.ops.quote_name
        table, cache_key, value, expires = (q(self._table), q("cache_key"), q("value"), q("expires"))
        now = tz_now().replace(microsecond=0, tzinfo=None)  # as DatabaseCache.has_key compares
        # The row is locked for the read (PostgreSQL); SQLite's writers already queue at BEGIN.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT {value} FROM {table} WHERE {cache_key} = %s AND {expires} > %s{lock}",
                           [key, connection.ops.adapt_datetimefield_value(now)])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key {key!r} not found")
            stored = connection.ops.process_clob(row[0])
            count = pickle.loads(base64.b64decode(stored.encode())) + delta
            encoded = base64.b64encode(pickle.dumps(count, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {value} = %s WHERE {cache_key} = %s", [encoded, key])
        return count
