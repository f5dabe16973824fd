"""The catalogue of notification events and their templates.

Each event has templates under templates/notifications/:
  emails/<event>_subject.txt, emails/<event>.txt, emails/<event>.html, sms/<event>.txt
rendered inside translation.override(<the row's language>). Other apps add their events here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


class SkipDelivery(Exception):  # noqa: N818 (a signal, not an error)
    """Raised by an event's `enrich` hook when the message no longer applies (e.g. the booking
    was cancelled before its reminder went out); the row is cancelled, nothing is sent."""


@dataclass(frozen=True)
class Enrichment:
    """What an event adds at send time: extra template context and e-mail attachments
    (file name, content, MIME type)."""

    context: dict = field(default_factory=dict)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


@dataclass(frozen=True)
class EventSpec:
    key: str
    # None: the recipient's preference decides; otherwise only these channels are ever used.
    force_channels: tuple[str, ...] | None = None
    # Context keys a caller must give; rendering fails loudly without them.
    required_context: tuple[str, ...] = field(default_factory=tuple)
    # Sample context used by the template tests and the admin preview of the catalogue.
    sample_context: dict = field(default_factory=dict)
    # Called at send time with the stored context: reads current state (secrets such as a
    # manage link are derived here, never stored in the outbox). May raise SkipDelivery.
    enrich: Callable[[dict], Enrichment] | None = None
    # Context keys (stored or added by `enrich`) that hold or lead to a secret, each with the
    # placeholder shown instead wherever staff see the message (render_message(redact=True))
    # or its stored context (redacted_context).
    secret_context: dict[str, str] = field(default_factory=dict)


def redacted_context(event: str, context: dict) -> dict:
    """`context` with the secret keys of `event` replaced by their placeholders."""
    secret = EVENTS[event].secret_context if event in EVENTS else {}
    return {key: (str(secret[key]) if key in secret else value) for key, value in context.items()}


EVENTS: dict[str, EventSpec] = {}


def register(spec: EventSpec) -> EventSpec:
    EVENTS[spec.key] = spec
    return spec


register(
    EventSpec(
        key="portal.test",
        required_context=("requested_by",),
        sample_context={"requested_by": "Operator"},
    )
)


# What staff read for each event in the outbox (its list, filter and page). Kept here, one place
# for every app's events; tests/test_events.py fails on a registered event without a label.
LABELS = {
    "portal.test": _("Test message"),
    "appeal.registered": _("Appeal registered"),
    "appeal.answered": _("Appeal answered"),
    "appeal.extended": _("Appeal deadline extended"),
    "appeal.not_considered": _("Appeal left without consideration"),
    "appeal.redirected": _("Appeal redirected"),
    "appeal.code_reissued": _("Appeal access code reissued"),
    "staff.deadlines": _("Staff deadline digest"),
    "reception.booked": _("Reception visit booked"),
    "reception.cancelled": _("Reception visit cancelled"),
    "reception.rescheduled": _("Reception visit rescheduled"),
    "reception.reminder": _("Reception visit reminder"),
    "charity.submitted": _("Charity request submitted"),
    "charity.created_from_channel": _("Charity request registered from another channel"),
    "charity.status_changed": _("Charity request status changed"),
    "charity.documents_requested": _("Charity request: documents requested"),
    "charity.decided": _("Charity request decided"),
    "charity.extended": _("Charity request deadline extended"),
    "charity.disbursed": _("Charity aid disbursed"),
    "charity.item_disbursed": _("Charity aid item disbursed"),
    "charity.item_cancelled": _("Charity aid item cancelled"),
    "charity.message": _("Charity request message"),
    "charity.withdrawn": _("Charity request withdrawn"),
    "charity.closed": _("Charity request closed"),
    "charity.code_reissued": _("Charity request access code reissued"),
    "hotline.new_report": _("New hotline report"),
    "hotline.reporter_message": _("Hotline: message from the reporter"),
    "hotline.reporter_update": _("Hotline: update for the reporter"),
    "hotline.deadlines": _("Hotline deadline digest"),
}


def event_label(key: str) -> str:
    """The translated name of event `key`; the key itself for an event no longer registered."""
    return LABELS.get(key, key)


def get_event(key: str) -> EventSpec:
    try:
        return EVENTS[key]
    except KeyError:
        raise KeyError(f"unknown notification event {key!r}") from None
