"""Registration numbers shared by the apps: `<PREFIX>-<YEAR>-<NNNNNN>`, consecutive per year."""

import unicodedata

from django.db import connection, transaction

from pkop_portal.models import Sequence

# The table is pkop_portal.Sequence's (asserted by the tests); one statement, both databases.
_UPDATE = (
    "UPDATE pkop_portal_sequence SET last = last + 1 WHERE prefix = %s AND year = %s RETURNING last"
)


def take_number(*, prefix: str, year: int) -> tuple[int, str]:
    """The next number of `prefix` in `year` and its display form (e.g. (7, "C-2026-000007")).

    Must run inside the caller's transaction: the row stays locked until it commits, so two
    concurrent callers get consecutive numbers and a rollback gives the number back.
    One statement in the common case (UPDATE … RETURNING); the year's row is created on first
    use (a concurrent first use is absorbed by the unique constraint)."""
    if not connection.in_atomic_block:
        raise RuntimeError("take_number() must run inside a transaction")
    update = _UPDATE
    with connection.cursor() as cursor:
        cursor.execute(update, [prefix, year])
        row = cursor.fetchone()
        if row is None:
            with transaction.atomic():
                Sequence.objects.get_or_create(prefix=prefix, year=year)
            cursor.execute(update, [prefix, year])
            row = cursor.fetchone()
    last = row[0]
    return last, f"{prefix}-{year}-{last:06d}"


def normalise_number(number: str) -> str:
    """A registration number as typed → as stored ("ａ-2026-000001 " → "A-2026-000001"): the
    tracking and lost-code pages of every app look numbers up by this form."""
    return unicodedata.normalize("NFKC", number).strip().upper()
