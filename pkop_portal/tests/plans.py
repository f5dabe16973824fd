"""Query plans for index tests (PostgreSQL only)."""

from django.db import connection, transaction


def plan_of(sql: str) -> str:
    """EXPLAIN of `sql` with sequential scans and sorts priced out: an index that yields the
    rows in the list's order is chosen if there is one, whatever the table's size."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())
