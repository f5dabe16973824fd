"""Private access codes: random, shown once, stored only as a keyed hash."""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

# No 0/O, 1/I/L: a code read aloud or copied from paper is not mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_access_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def hash_access_code(*, number: str, code: str) -> str:
    """HMAC-SHA256 keyed with SECRET_KEY, bound to the appeal number."""
    return salted_hmac(
        "appeals.access_code", f"{number}:{normalise_code(code)}", algorithm="sha256"
    ).hexdigest()


def check_access_code(*, number: str, code: str, stored_hash: str) -> bool:
    return constant_time_compare(hash_access_code(number=number, code=code), stored_hash)


def format_code(code: str) -> str:
    """'ABCD2345EFGH' → 'ABCD-2345-EFGH' for reading."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
