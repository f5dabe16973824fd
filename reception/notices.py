"""Send-time content of reception notices: current booking state, manage link, invitation."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from notifications.events import Enrichment, EventSpec, SkipDelivery, register
from pkop_portal import workdays


def _manage_url(booking, language: str) -> str:
    from reception.services import manage_token

    with translation.override(language):
        path = reverse("reception:manage", args=[manage_token(booking)])
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
    start = booking.slot.starts_at.astimezone(workdays.LOCAL_TZ)
    extra = {
        "number": booking.number,
        "time": f"{start:%d.%m.%Y %H:%M}",
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


def register_events() -> None:
    register(EventSpec("reception.booked", None, ("booking_id",), SAMPLE, enrich_booked))
    register(EventSpec("reception.cancelled", None, ("booking_id",), SAMPLE, enrich_cancelled))
    register(EventSpec("reception.rescheduled", None, ("booking_id",), SAMPLE, enrich_booked))
    register(EventSpec("reception.reminder", None, ("booking_id",), SAMPLE, enrich_reminder))
