"""A booking's history in words, for reception staff (pkop_portal.history): when, who (the
officer's name, or the citizen), what happened and what changed, with labels instead of codes
and usernames ("Status: Booked → Cancelled by staff", "Visit time: 12.01.2027 10:00 →
14.01.2027 11:30").

The history rows (reception.models.BookingEvent) store the status the booking is in after the
event (RESCHEDULED marks a move: the booking stays booked) and a note as reception.services
wrote it: the reason, the visit's summary, "old → new" times for a move, "charity: <number>"
for a charity request made from the visit, the appeal's number for an appeal registered from
it. One query whatever the number of rows.
"""

import re

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from appeals.services import NUMBER_PREFIX as APPEAL_PREFIX
from charity.models import CharityRequest
from pkop_portal.history import (
    HistoryRow,
    actor_name,
    change,
    choice,
    field_label,
    local_stamp,
    none_word,
    value,
)
from reception.models import Booking, BookingEvent

Status = Booking.Status
# The rows of a citizen's own actions (no officer): booked, moved or cancelled online.
CITIZEN_STATUSES = {Status.BOOKED, Status.RESCHEDULED, Status.CANCELLED_BY_CITIZEN}
# As reception.services writes the notes.
STAMP = r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}"
MOVED = re.compile(rf"(?P<old>{STAMP}) → (?P<new>{STAMP})")
CHARITY_PREFIX = "charity: "
APPEAL_NUMBER = re.compile(rf"{re.escape(APPEAL_PREFIX)}-\d{{4}}-\d+")
# The kind of a linking row, for its class on the page.
LINKED_CHARITY, LINKED_APPEAL = "charity_request", "appeal"


def _label(name: str) -> str:
    return field_label(Booking, name)


def booking_history(*, booking: Booking) -> list[HistoryRow]:
    """Every history row of `booking`, oldest first, in words (see the module docstring).

    One query whatever the number of rows (the rows with their authors)."""
    events = list(
        BookingEvent.objects.filter(booking_id=booking.pk).select_related("by").order_by("at", "id")
    )
    none = none_word()
    status = None
    rows = []
    for event in events:
        changes: list[str] = []
        kind, what, note = event.status, event.get_status_display(), event.note
        if note.startswith(CHARITY_PREFIX) and event.status == status:
            kind, what = LINKED_CHARITY, _("Registered as a charity request")
            number = note.removeprefix(CHARITY_PREFIX).strip()
            changes.append(value(capfirst(CharityRequest._meta.verbose_name), number))
            note = ""
        elif event.status == status and APPEAL_NUMBER.fullmatch(note.strip()):
            kind, what = LINKED_APPEAL, _("Registered as an appeal")
            changes.append(value(_label("appeal"), note.strip()))
            note = ""
        elif event.status == Status.RESCHEDULED:
            found = MOVED.fullmatch(note.strip())
            if found:
                changes.append(change(_label("slot"), found["old"], found["new"]))
                note = ""
        elif event.status != status:
            before = choice(Status.choices, status) if status else none
            changes.append(change(_label("status"), before, choice(Status.choices, event.status)))
            status = event.status
        own = _("Citizen") if event.status in CITIZEN_STATUSES else ""
        rows.append(
            HistoryRow(
                at=local_stamp(event.at),
                who=actor_name(event.by, own),
                what=what,
                kind=kind,
                changes=changes,
                note=note,
            )
        )
    return rows
