"""Private access codes: shown to their holder, stored only as a keyed hash.

A code is 12 characters of an unambiguous alphabet (about 59 bits). It is either random
(`new_access_code`) or derived from a secret the server never stores in plain text
(`derive_access_code`: a form's one-time key, a random nonce) with the rotating keys of
`pkop_portal.keys`, so that the same secret gives the same code again without the code being
kept anywhere. The stored hash is bound to the record's number and made with the current key;
`check_access_code` accepts every key still in the fallback list.
"""

import secrets
import unicodedata

from django.utils.crypto import constant_time_compare

from pkop_portal import keys

# No 0/O, 1/I/L: a code read aloud or copied from paper is not mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
HASH_PURPOSE = "appeals.access_code"


def new_access_code(length: int = CODE_LENGTH) -> str:
    """A random code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def derive_access_code(
    *, purpose: str, secret: str, key: str | None = None, length: int = CODE_LENGTH
) -> str:
    """The code that `secret` gives for `purpose` under `key` (default: the current key)."""
    number = int.from_bytes(keys.digest(purpose, secret, key=key), "big")
    # 256 bits mapped onto 31**12 values: the bias is below 2**-190.
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def normalise_code(code: str) -> str:
    """As typed → as hashed: full-width forms folded, spaces and dashes dropped, upper case."""
    code = unicodedata.normalize("NFKC", code)
    return "".join(code.split()).replace("-", "").upper()


def hash_access_code(*, number: str, code: str, key: str | None = None) -> str:
    """The keyed hash stored for `code` of record `number` (default: the current key)."""
    return keys.keyed_hash(HASH_PURPOSE, f"{number}:{normalise_code(code)}", key=key)


def check_access_code(*, number: str, code: str, stored_hash: str) -> bool:
    """Whether `code` is the code of `number`, under any accepted key (constant time: every
    key is tried whatever the input, so call it for unknown numbers too)."""
    value = f"{number}:{normalise_code(code)}"
    return keys.matching_key(HASH_PURPOSE, value, stored_hash) is not None


def derived_code_matching(
    *, purpose: str, secret: str, number: str, stored_hash: str
) -> str | None:
    """The code `secret` derived under whichever accepted key, if it is still the code stored
    for `number` (None once a newer code replaced it or its key was retired)."""
    found = None
    for key in keys.all_keys():
        code = derive_access_code(purpose=purpose, secret=secret, key=key)
        if constant_time_compare(hash_access_code(number=number, code=code, key=key), stored_hash):
            found = found or code
    return found


def format_code(code: str) -> str:
    """'ABCD2345EFGH' → 'ABCD-2345-EFGH' for reading."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
