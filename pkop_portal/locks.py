"""Transaction-scoped advisory locks: serialise work on one key (a citizen, a form key) without
a row to lock. No-ops outside PostgreSQL, where a unique constraint is the safeguard."""

import zlib

from django.db import connection

# One 64-bit key per lock: a namespace in the high 32 bits, the value's CRC-32 below. Distinct
# namespaces never block each other; a CRC collision only makes two keys wait for each other.
NAMESPACE_CITIZEN = 4201
NAMESPACE_APPEAL_FORM = 4202
NAMESPACE_CHARITY_FORM = 4203


def advisory_xact_lock(*, namespace: int, value: str) -> None:
    """Wait for, then hold until the end of the current transaction, the lock of `value` in
    `namespace`. Call inside transaction.atomic()."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [(namespace << 32) | zlib.crc32(value.encode())]
        )
