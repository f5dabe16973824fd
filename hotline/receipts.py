"""Receipts of hotline reports: the reporter's only key to a report.

A receipt is 20 characters of the unambiguous alphabet of `pkop_portal.access_codes`
(31**20 ≈ 2**99), shown once in groups of four and stored only as a keyed hash
(`pkop_portal.keys`, purpose below). It is derived from the form's one-time key, so a form
sent twice gives the same report and the same receipt without the receipt being kept anywhere.
A lookup hashes the typed receipt under every accepted key and asks the database once, so an
unknown receipt costs the same as a known one.
"""

from pkop_portal import access_codes, keys

ALPHABET = access_codes.ALPHABET
RECEIPT_LENGTH = 20
HASH_PURPOSE = "hotline.receipt"
DERIVE_PURPOSE = "hotline.receipt.derive"


def new_receipt() -> str:
    """A random receipt (used when the form carried no one-time key)."""
    return access_codes.new_access_code(length=RECEIPT_LENGTH)


def derive_receipt(form_key: str, *, key: str | None = None) -> str:
    """The receipt a form's one-time key gives under `key` (default: the current key)."""
    return access_codes.derive_access_code(
        purpose=DERIVE_PURPOSE, secret=form_key, key=key, length=RECEIPT_LENGTH
    )


def normalise_receipt(receipt: str) -> str:
    """As typed → as hashed: full-width forms folded, spaces and dashes dropped, upper case."""
    return access_codes.normalise_code(receipt or "")


def is_well_formed(receipt: str) -> bool:
    value = normalise_receipt(receipt)
    return len(value) == RECEIPT_LENGTH and all(c in ALPHABET for c in value)


def hash_receipt(receipt: str, *, key: str | None = None) -> str:
    """The keyed hash stored for `receipt` (default: the current key)."""
    return keys.keyed_hash(HASH_PURPOSE, normalise_receipt(receipt), key=key)


def receipt_hashes(receipt: str) -> list[str]:
    """The hash of `receipt` under every accepted key, for one `receipt_hash__in` query."""
    return keys.keyed_hashes(HASH_PURPOSE, normalise_receipt(receipt))


def format_receipt(receipt: str) -> str:
    """'ABCD2345EFGH6789JKMN' → 'ABCD-2345-EFGH-6789-JKMN' for reading and writing down."""
    value = normalise_receipt(receipt)
    return "-".join(value[i : i + 4] for i in range(0, len(value), 4))
