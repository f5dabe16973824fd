"""Personal-data consent of the public forms (Law No. 94-V): one text per purpose, and the
version, time and client IP of every consent given.

The rule for a text that changes while a form is open: the page carries the version it showed
(a hidden field); the form is accepted only if that version is still the newest of its
purpose. Otherwise it is shown again with the new text, the box unticked and a message, so the
version stored is always the one the applicant saw and agreed to.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pkop_portal import refdata
from pkop_portal.clientip import client_ip
from pkop_portal.models import ConsentText


@dataclass(frozen=True)
class Consent:
    """What a ConsentRecord stores: the text agreed to, when, and from which client IP (None
    where the IP must not be kept, e.g. the hotline)."""

    text: ConsentText
    at: datetime = field(default_factory=timezone.now)
    ip: str | None = None

    def record_fields(self) -> dict:
        """The ConsentRecord columns, for Model.objects.create(**...)."""
        return {"consent": self.text, "consent_at": self.at, "consent_ip": self.ip}


def consent_text_current(*, purpose: str) -> ConsentText | None:
    """The newest consent text of `purpose` (a ConsentText.Purpose value), or None.

    Kept in the process (pkop_portal.refdata): a new text is seen by every process within
    REFDATA_CHECK_SECONDS; the version check in `consent_text_agreed` stays exact for it."""
    return refdata.consent_text(purpose=purpose)


def consent_text_agreed(*, current: ConsentText | None, version: str) -> ConsentText:
    """The text an applicant agreed to: `version` is what their page showed (its hidden
    field), `current` the newest text of the form's purpose (consent_text_current).

    Returns `current` when the versions match. Raises ValidationError(code=
    "consent_unavailable") when the purpose has no text at all (nothing can be agreed to), or
    (code="consent_changed") when a newer text appeared after the page was shown."""
    if current is None:
        raise ValidationError(
            _(
                "The personal-data consent text is not available, so the form cannot be "
                "accepted now. Please try again later or call a hotline phone line."
            ),
            code="consent_unavailable",
        )
    if version != current.version:
        raise ValidationError(
            _(
                "The consent text was updated while this page was open. Please read the new "
                "text and tick the box again."
            ),
            code="consent_changed",
        )
    return current


def consent_given(request, *, text: ConsentText, keep_ip: bool = True) -> Consent:
    """The consent `request`'s sender gave to `text` now, from their client IP
    (pkop_portal.clientip.client_ip, the address behind the trusted proxies).

    `keep_ip=False` for purposes whose rule is not to store the IP (the hotline). No side
    effects: the service stores the result with the record it creates."""
    return Consent(text=text, at=timezone.now(), ip=client_ip(request) if keep_ip else None)
