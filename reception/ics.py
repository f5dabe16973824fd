"""iCalendar invitations for bookings (RFC 5545/5546, research/booking.md §5)."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import translation
from icalendar import Calendar, Event, vCalAddress, vText

from reception.models import Booking


def booking_uid(booking: Booking) -> str:
    host = settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"booking-{booking.pk}-{booking.number}@{host}"


def booking_ics(booking: Booking, *, manage_url: str = "", now: datetime | None = None) -> bytes:
    """The invitation: METHOD REQUEST while active, METHOD CANCEL with STATUS CANCELLED after.

    The UID never changes; SEQUENCE is the booking's counter, raised on every change.
    """
    cancelled = booking.status in (
        Booking.Status.CANCELLED_BY_CITIZEN,
        Booking.Status.CANCELLED_BY_STAFF,
    )
    calendar = Calendar()
    calendar.add("prodid", "-//PKOP LLP//Citizen Portal//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", booking.slot.starts_at.astimezone(UTC))
    event.add("dtend", booking.slot.ends_at.astimezone(UTC))
    event.add("summary", f"PKOP: {booking.manager.name_ru} ({booking.number})")
    with translation.override(booking.language):
        event.add("location", vText(booking.manager.place))
    description = booking.topic
    if manage_url:
        description += f"\n{manage_url}"
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organizer.params["cn"] = vText("PKOP LLP")
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{booking.email or 'citizen@invalid'}")
    attendee.params["cn"] = vText(booking.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
