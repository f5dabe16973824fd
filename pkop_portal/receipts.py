"""Pages that show a secret once (an access code on a receipt or a staff talon) keep it between
the submission and the page in a sealed cookie of that page only (pkop_portal.sealed_cookies),
for APPEALS_RECEIPT_SECONDS. The server keeps no copy; a reload in the same browser shows the
secret again until the cookie expires. Used by the appeals receipt and talon and the charity
receipt: each app names its page with a `ReceiptPage`.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

from pkop_portal.sealed_cookies import sealed_cookie_get, sealed_cookie_set


@dataclass(frozen=True)
class ReceiptPage:
    """One page that shows a secret: the sealing purpose, its URL name (under i18n_patterns)
    and the cookie name's stem (one cookie per language: `<cookie>_<language>`)."""

    purpose: str
    url_name: str
    cookie: str

    @property
    def max_age(self) -> int:
        return settings.APPEALS_RECEIPT_SECONDS

    def cookie_name(self, language: str) -> str:
        return f"{self.cookie}_{language}"

    def places(self) -> dict[str, str]:
        """One cookie per language, each sent only to the page's path in that language."""
        return dict(
            _places(
                self.url_name,
                self.cookie,
                tuple(language for language, _name in settings.LANGUAGES),
                get_script_prefix(),
                get_urlconf() or settings.ROOT_URLCONF,
            )
        )


@functools.lru_cache(maxsize=64)
def _places(url_name, cookie, languages, _prefix, _urlconf) -> tuple[tuple[str, str], ...]:
    # Reversed once per page, languages, script prefix and URLconf in the process (each
    # `reverse` under translation.override costs more than the rest of setting the cookie).
    places = []
    for language in languages:
        with translation.override(language):
            places.append((f"{cookie}_{language}", reverse(url_name)))
    return tuple(places)


def receipt_cookie_set(response, *, page: ReceiptPage, payload: dict) -> None:
    """Let `page` of this browser read `payload` (JSON primitives) for `page.max_age` seconds."""
    sealed_cookie_set(
        response,
        purpose=page.purpose,
        payload=payload,
        places=page.places(),
        max_age=page.max_age,
    )


def receipt_cookie_get(request, *, page: ReceiptPage) -> dict | None:
    """What `page` may show to this browser, or None (no cookie, expired, or tampered)."""
    return sealed_cookie_get(
        request,
        purpose=page.purpose,
        name=page.cookie_name(translation.get_language()),
        max_age=page.max_age,
    )
