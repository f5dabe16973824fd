"""Encryption at rest of what identifies a hotline reporter: name, position, contact, and the
e-mail for notices (Fernet: AES-128-CBC + HMAC-SHA256, through MultiFernet for rotation).

Keys come from settings.HOTLINE_IDENTITY_KEYS (env HOTLINE_IDENTITY_KEYS, comma-separated
Fernet keys, the first is the current one): new tokens are made with the first, every key in
the list can still open a token. Rotation: put a new key first, run
`manage.py hotline_rotate_keys` (re-encrypts every token with it), then remove the old key.
Without any key configured a key derived from SECRET_KEY is used only when DEBUG or under the
test settings (HOTLINE_DEV_KEY_ALLOWED); otherwise encrypting or decrypting raises
ImproperlyConfigured, and `manage.py check --deploy` reports it (hotline.E001).
"""

import base64
import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_KEY_PURPOSE = b"pkop.hotline.identity.dev-key"


def _dev_key() -> bytes:
    raw = hmac.new(settings.SECRET_KEY.encode(), DEV_KEY_PURPOSE, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw)


def configured_keys() -> list[str]:
    return [k.strip() for k in settings.HOTLINE_IDENTITY_KEYS if k and k.strip()]


def dev_key_allowed() -> bool:
    """The key derived from SECRET_KEY only when DEBUG or under the test settings."""
    return bool(settings.DEBUG or getattr(settings, "HOTLINE_DEV_KEY_ALLOWED", False))


def _fernet() -> MultiFernet:
    keys = [key.encode() for key in configured_keys()]
    if not keys:
        if not dev_key_allowed():
            raise ImproperlyConfigured(
                "HOTLINE_IDENTITY_KEYS is not set: reporters' identities are never encrypted "
                "with a key derived from SECRET_KEY outside development."
            )
        keys = [_dev_key()]
    return MultiFernet([Fernet(key) for key in keys])


def seal_text(text: str) -> str:
    """`text` encrypted with the current key; "" stays "" (nothing given, nothing stored)."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode()).decode()


def open_text(token: str) -> str | None:
    """The text of a `seal_text` token under any configured key; "" for ""; None when no key
    opens it (forged, or its key was removed)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, UnicodeError):
        return None


def seal_identity(identity: dict) -> str:
    """The reporter's identity ({"name", "position", "contact"}) as one token; "" when every
    value is empty (an anonymous report stores nothing)."""
    cleaned = {k: str(v).strip() for k, v in identity.items() if v and str(v).strip()}
    if not cleaned:
        return ""
    return seal_text(json.dumps(cleaned, ensure_ascii=False, sort_keys=True))


def open_identity(token: str) -> dict | None:
    """The identity of a `seal_identity` token; {} for an anonymous report; None when it
    cannot be opened."""
    text = open_text(token)
    if text is None:
        return None
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def rotate(token: str) -> str:
    """`token` encrypted again with the current key (MultiFernet.rotate); "" stays "".
    Raises cryptography.fernet.InvalidToken when no configured key opens it."""
    if not token:
        return ""
    return _fernet().rotate(token.encode()).decode()
