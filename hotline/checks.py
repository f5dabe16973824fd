"""System checks of the hotline: the key encrypting reporters' identities."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, register

from hotline import crypto


@register()
def check_identity_keys_valid(app_configs=None, **kwargs):
    """Every configured key must be a Fernet key (32 url-safe base64 bytes)."""
    errors = []
    for position, key in enumerate(crypto.configured_keys(), start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            errors.append(
                Error(
                    f"HOTLINE_IDENTITY_KEYS: key {position} is not a Fernet key.",
                    hint='Make one with: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"',
                    id="hotline.E002",
                )
            )
    return errors


@register(deploy=True)
def check_identity_key_set(app_configs=None, **kwargs):
    """In production the identities are encrypted only with a key of their own: without one,
    hotline.crypto refuses to encrypt or decrypt, so reports with an identity fail."""
    if crypto.configured_keys() or settings.DEBUG:
        return []
    return [
        Error(
            "HOTLINE_IDENTITY_KEYS is not set: reporters' identities cannot be encrypted or "
            "read, so hotline reports that give a name or an e-mail fail.",
            hint="Set HOTLINE_IDENTITY_KEYS to a Fernet key (see .env.example).",
            id="hotline.E001",
        )
    ]
