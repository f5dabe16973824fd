"""Pages that show a secret once (an access code on a receipt or a staff talon) keep it between
the submission and the page in a sealed cookie of that page only (pkop_portal.sealed_cookies),
for APPEALS_RECEIPT_SECONDS. The server keeps no copy; a reload in the same browser shows the
secret again until the cookie expires. Used by the appeals receipt and talon and the charity
receipt: each app names its page with a `ReceiptPage`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
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
        places = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                places[self.cookie_name(language)] = reverse(self.url_name)
        return places


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
