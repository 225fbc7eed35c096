"""Rostra's own consistency check of the stored discussions: what `rostra check --data` runs after a
crash, a restore or an import, beside SQLite's `PRAGMA integrity_check`.

Each check is one query whatever the size of the site, and reports how many rows break its rule.
What the database's own constraints guarantee (one row per imported source id, votes that are not
negative) is not checked again here.
"""

from dataclasses import dataclass

from django.db import connection

from rostra.articles.models import Article
from rostra.discussion.models import SEGMENT_WIDTH, Comment


@dataclass(frozen=True)
class Finding:
    rule: str
    broken: int


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {"c": quote(Comment._meta.db_table), "a": quote(Article._meta.db_table)}


RULES = {
    "every parent exists and is in the same thread":
        "SELECT COUNT(*) FROM {c} c LEFT JOIN {c} p ON p.id = c.parent_id"
        " WHERE c.parent_id IS NOT NULL AND (p.id IS NULL OR p.thread_id <> c.thread_id)",
    "every path is its parent's path and its own id":
        "SELECT COUNT(*) FROM {c} c LEFT JOIN {c} p ON p.id = c.parent_id"
        " WHERE LENGTH(c.path) <> (c.depth + 1) * {w}"
        " OR (c.parent_id IS NULL AND c.depth <> 0)"
        " OR (c.parent_id IS NOT NULL AND (c.depth <> p.depth + 1"
        "     OR SUBSTR(c.path, 1, LENGTH(p.path)) <> p.path))",
    "every root is the top-level comment of the path":
        "SELECT COUNT(*) FROM {c} c JOIN {c} r ON r.id = c.root_id"
        " WHERE r.depth <> 0 OR SUBSTR(c.path, 1, {w}) <> r.path",
    "no comment lacks its root":
        "SELECT COUNT(*) FROM {c} WHERE root_id IS NULL",
    "every thread's count is its visible comments":
        "SELECT COUNT(*) FROM {a} a WHERE a.comment_count <> (SELECT COUNT(*) FROM {c} c"
        " WHERE c.thread_id = a.id AND c.state = 'visible' AND NOT c.is_placeholder)",
}


def check_data() -> list[Finding]:
    """Every rule with the number of rows that break it (0 everywhere on a sound database)."""
    tables = {**_tables(), "w": SEGMENT_WIDTH}
    findings = []
    with connection.cursor() as cursor:
        for rule, sql in RULES.items():
            cursor.execute(sql.format(**tables))
            findings.append(Finding(rule, cursor.fetchone()[0]))
    return findings


def database_integrity() -> str:
    """SQLite's own verdict on the file ("ok"), or "not checked" on other databases."""
    if connection.vendor != "sqlite":
        return "not checked (SQLite only)"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        return "; ".join(row[0] for row in cursor.fetchall()[:5])
