"""Keyed secrets with key rotation: hashes, derived codes and sealed (encrypted) values.

Every keyed secret of the portal (access-code hashes, manage-link tokens, form-key hashes,
sealed receipt cookies) goes through this module, so one pair of settings rotates them all,
the way SECRET_KEY / SECRET_KEY_FALLBACKS rotate Django's own signatures:

- PORTAL_SECRETS_KEY: the current key. Everything new is hashed, derived or sealed with it.
- PORTAL_SECRETS_KEY_FALLBACKS: older keys, still accepted when checking. After a rotation an
  old access code or manage link keeps working while its key stays in this list, and stops
  working when the key is removed.

Rotate by moving the current key to the front of the fallbacks and setting a new current key;
remove a fallback once nothing issued under it is needed (manage links: the booking horizon).

A purpose string separates the uses: a hash made for one purpose never matches another.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac


def current_key() -> str:
    """The key new secrets are made with."""
    return settings.PORTAL_SECRETS_KEY


def all_keys() -> list[str]:
    """The current key, then every fallback (each at most once), in checking order."""
    keys = [current_key()]
    for key in settings.PORTAL_SECRETS_KEY_FALLBACKS:
        if key and key not in keys:
            keys.append(key)
    return keys


def digest(purpose: str, value: str, *, key: str | None = None) -> bytes:
    """HMAC-SHA256 of `value` for `purpose` under `key` (default: the current key)."""
    # salted_hmac keeps the hashes made before rotation existed (keyed with SECRET_KEY) valid.
    return salted_hmac(purpose, value, secret=key or current_key(), algorithm="sha256").digest()


def keyed_hash(purpose: str, value: str, *, key: str | None = None) -> str:
    """The hex digest to store (64 characters)."""
    return digest(purpose, value, key=key).hex()


def keyed_hashes(purpose: str, value: str) -> list[str]:
    """The hash of `value` under every accepted key: for a lookup such as `field__in=`."""
    return [keyed_hash(purpose, value, key=key) for key in all_keys()]


def matching_key(purpose: str, value: str, stored_hash: str) -> str | None:
    """The accepted key under which `value` hashes to `stored_hash`, else None.

    Every key is tried and compared in constant time whatever matches, so the time taken does
    not tell whether (or under which key) the value was right.
    """
    found = None
    for key in all_keys():
        if constant_time_compare(keyed_hash(purpose, value, key=key), stored_hash):
            found = found or key
    return found


def _fernet_key(key: str, purpose: str) -> bytes:
    raw = hmac.new(key.encode(), f"pkop.sealed:{purpose}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw)


@functools.lru_cache(maxsize=64)
def _multifernet_for(purpose: str, keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key, purpose)) for key in keys])


def _multifernet(purpose: str) -> MultiFernet:
    # Built once per (purpose, accepted keys) in the process: the keys are the cache key, so
    # a rotation (new settings) builds new ones; the derived keys are what they always were.
    return _multifernet_for(purpose, tuple(all_keys()))


def seal(purpose: str, data: bytes) -> str:
    """Encrypt and authenticate `data` with the current key (Fernet: AES-CBC + HMAC, with the
    time of sealing inside)."""
    return _multifernet(purpose).encrypt(data).decode()


def unseal(purpose: str, token: str, *, ttl: int) -> bytes | None:
    """The data of a `seal` token made for `purpose` under any accepted key at most `ttl`
    seconds ago; None if it is older, forged, altered, or sealed for another purpose."""
    try:
        return _multifernet(purpose).decrypt(token.encode(), ttl=ttl)
    except (InvalidToken, ValueError, UnicodeError):
        return None
