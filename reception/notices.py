"""Send-time content of reception notices: current booking state, manage link, invitation.

The visit's time reaches the templates as `starts_at` (the slot's aware start), which e-mail
bodies show with `{{ starts_at|local_time }}` ("01.12.2026 15:00 (Shymkent time, UTC+5)", in
the message's language), and as `time`, the short SMS form for SMS texts and subjects
("01.12.2026 15:00 UTC+5", pkop_portal.templatetags.portal_time.sms_time). Neither is stored:
both are read from the booking at send time.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.events import Enrichment, EventSpec, SkipDelivery, register
from pkop_portal.templatetags.portal_time import sms_time
from reception.services import manage_token


def _manage_url(booking, language: str) -> str:
    """The private manage link, derived with the key that made the booking's stored hash. If
    that key was retired (see pkop_portal.keys) the link is dead: the contacts page instead."""
    token = manage_token(booking)
    with translation.override(language):
        path = reverse("reception:manage", args=[token]) if token else reverse("contacts")
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _booking_context(context: dict, *, must_be_active: bool) -> tuple:
    from reception.models import Booking

    booking = (
        Booking.objects.select_related("slot", "manager").filter(pk=context["booking_id"]).first()
    )
    if booking is None:
        raise SkipDelivery("booking no longer exists")
    if must_be_active and not booking.is_active:
        raise SkipDelivery(f"booking is {booking.status}")
    language = context.get("language") or booking.language
    start = booking.slot.starts_at
    extra = {
        "number": booking.number,
        "starts_at": start,
        "time": sms_time(start),
        "manage_url": _manage_url(booking, language),
    }
    with translation.override(language):
        extra["manager"] = booking.manager.name
        extra["place"] = booking.manager.place
    return booking, extra


def _with_invitation(context: dict, *, must_be_active: bool) -> Enrichment:
    from reception import ics

    booking, extra = _booking_context(context, must_be_active=must_be_active)
    method = "REQUEST" if booking.is_active else "CANCEL"
    invite = ics.booking_ics(booking, manage_url=extra["manage_url"])
    return Enrichment(
        context=extra,
        attachments=[
            (f"{booking.number}.ics", invite, f"text/calendar; method={method}; charset=utf-8")
        ],
    )


def enrich_booked(context: dict) -> Enrichment:
    return _with_invitation(context, must_be_active=True)


def enrich_cancelled(context: dict) -> Enrichment:
    return _with_invitation(context, must_be_active=False)


def enrich_reminder(context: dict) -> Enrichment:
    _booking, extra = _booking_context(context, must_be_active=True)
    return Enrichment(context=extra)


SAMPLE = {"booking_id": 0, "number": "R-ABCD2345"}
# Whoever holds the manage link can cancel or move the visit: staff pages never show it.
SECRETS = {"manage_url": _("[private link hidden]")}


def register_events() -> None:
    for key, enrich in (
        ("reception.booked", enrich_booked),
        ("reception.cancelled", enrich_cancelled),
        ("reception.rescheduled", enrich_booked),
        ("reception.reminder", enrich_reminder),
    ):
        register(EventSpec(key, None, ("booking_id",), SAMPLE, enrich, secret_context=SECRETS))
