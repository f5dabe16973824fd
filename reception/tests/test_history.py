"""A booking's history in words (reception.history) and on the booking's page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from appeals.tests.factories import staff_user
from reception import history, services
from reception.models import Booking, BookingEvent
from reception.tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Almaty")
S = Booking.Status
VISIT = datetime(2027, 1, 12, 10, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def _english(in_english):
    """Every test here compares English labels."""


@pytest.fixture
def secretary():
    return staff_user("h5-secretary", "Reception secretary", first="Elena", last="Kim")


def booked(clock) -> Booking:
    """A booking made online on 5 January 2027 09:30 for a visit on 12 January 10:00."""
    clock.set(datetime(2027, 1, 5, 9, 30, tzinfo=LOCAL))
    booking = BookingFactory(slot=SlotFactory(starts_at=VISIT), email="visitor@example.kz")
    BookingEvent.objects.create(booking=booking, status=S.BOOKED)
    return booking


def test_a_visit_from_booking_to_charity_request_in_words(secretary, clock):
    booking = booked(clock)
    clock.set(datetime(2027, 1, 6, 18, 0, tzinfo=LOCAL))
    # As reception.services.booking_reschedule writes it (by the citizen).
    BookingEvent.objects.create(
        booking=booking, status=S.RESCHEDULED, note="11.01.2027 10:00 → 12.01.2027 10:00"
    )
    clock.set(datetime(2027, 1, 12, 10, 25, tzinfo=LOCAL))
    services.booking_mark_visit(
        booking_id=booking.pk, by=secretary, attended=True, summary="Просит помощь семье."
    )
    services.booking_link_charity_request(
        booking_id=booking.pk, by=secretary, request_number="C-2027-000004"
    )
    rows = history.booking_history(booking=booking)
    assert [(r.at, r.who, r.what, r.changes, r.note) for r in rows] == [
        ("05.01.2027 09:30", "Citizen", "Booked", ["Status: none → Booked"], ""),
        (
            "06.01.2027 18:00",
            "Citizen",
            "Rescheduled",
            ["Slot: 11.01.2027 10:00 → 12.01.2027 10:00"],
            "",
        ),
        (
            "12.01.2027 10:25",
            "Elena Kim",
            "Attended",
            ["Status: Booked → Attended"],
            "Просит помощь семье.",
        ),
        (
            "12.01.2027 10:25",
            "Elena Kim",
            "Registered as a charity request",
            ["Charity request: C-2027-000004"],
            "",
        ),
    ]


def test_a_cancellation_by_staff_and_an_appeal_registered_from_a_visit(secretary, clock):
    booking = booked(clock)
    services.booking_cancel(booking_id=booking.pk, by=secretary, reason="Руководитель в отъезде")
    other = booked(clock)
    BookingEvent.objects.create(booking=other, status=S.NO_SHOW, by=secretary)
    BookingEvent.objects.create(booking=other, status=S.NO_SHOW, by=secretary, note="A-2027-000321")
    cancelled = history.booking_history(booking=booking)[-1]
    assert (cancelled.who, cancelled.what, cancelled.changes, cancelled.note) == (
        "Elena Kim",
        "Cancelled by staff",
        ["Status: Booked → Cancelled by staff"],
        "Руководитель в отъезде",
    )
    no_show, appeal = history.booking_history(booking=other)[1:]
    assert (no_show.what, no_show.changes) == ("Did not come", ["Status: Booked → Did not come"])
    assert (appeal.what, appeal.changes, appeal.note, appeal.kind) == (
        "Registered as an appeal",
        ["Appeal: A-2027-000321"],
        "",
        "appeal",
    )


def test_the_history_costs_one_query_whatever_its_length(secretary, clock, query_count):
    booking = booked(clock)
    short, _ = query_count(lambda: history.booking_history(booking=booking))
    for n in range(9):
        BookingEvent.objects.create(
            booking=booking, status=S.RESCHEDULED, by=None, note=f"0{n}.02.2027 10:00 → x"
        )
    BookingEvent.objects.create(booking=booking, status=S.CANCELLED_BY_STAFF, by=secretary)
    long, rows = query_count(lambda: history.booking_history(booking=booking))
    assert (short, long, len(rows)) == (1, 1, 11)
    # A note that is not a move is kept as it was written.
    assert rows[1].changes == [] and rows[1].note == "00.02.2027 10:00 → x"


def test_the_booking_page_shows_the_history_in_words_without_usernames(
    client, secretary, clock, settings
):
    settings.TIME_ZONE = "UTC"
    booking = booked(clock)
    # 20:10 UTC on 7 January is already 8 January in Shymkent (UTC+5).
    clock.set(datetime(2027, 1, 7, 20, 10, tzinfo=ZoneInfo("UTC")))
    services.booking_cancel(booking_id=booking.pk, by=secretary, reason="Болезнь")
    client.force_login(secretary)
    html = client.get(f"/en/admin/reception/booking/{booking.pk}/change/").content.decode()
    table = html.split('id="booking-history"')[1].split("</table>")[0]
    assert '<td class="booking-history-at">08.01.2027 01:10</td>' in table
    assert '<td class="booking-history-who">Elena Kim</td>' in table
    assert "<li>Status: Booked → Cancelled by staff</li>" in table
    assert "h5-secretary" not in table
    # The raw inline rows (status codes, stored values) are no longer on the page.
    assert ">cancelled_by_staff<" not in html and "events-TOTAL_FORMS" not in html
