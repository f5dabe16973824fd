from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from icalendar import Calendar

from reception import ics, services
from reception.models import Absence, Booking, Slot
from reception.slots import slots_generate
from reception.tests.factories import RuleFactory, iins, reception_consent

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
# Monday 30 November 2026, 12:00 in Shymkent; the Director receives on Tuesdays.
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ALMATY)
IIN = "870101300009"


def citizen(iin=IIN, **overrides):
    data = {
        "full_name": "Айгерим Садыкова",
        "iin": iin,
        "topic": "Благотворительная помощь",
        "language": "ru",
        "email": "aigerim@example.kz",
    }
    data.update(overrides)
    return services.BookingInput(**data)


@pytest.fixture
def tuesday_slot():
    rule = RuleFactory(capacity=2)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 31))
    return Slot.objects.filter(manager=rule.manager).order_by("starts_at").first()


def book(slot, key="k1", now=NOW, **kwargs):
    return services.booking_create(
        slot_id=slot.pk,
        data=citizen(**kwargs),
        idempotency_key=key,
        consent=reception_consent(),
        now=now,
    )


def test_booking_takes_the_lowest_free_seat_and_records_history(tuesday_slot):
    result = book(tuesday_slot)
    booking = result.booking
    assert result.created and len(result.manage_token) >= 32
    assert (booking.seat, booking.status, booking.is_active) == (1, "booked", True)
    assert booking.token_hash == services.hash_token(result.manage_token)
    assert result.manage_token not in booking.token_hash
    assert list(booking.events.values_list("status", flat=True)) == ["booked"]
    second = book(tuesday_slot, key="k2", iin="900401300008")
    assert second.booking.seat == 2


def test_full_slot_refuses_with_slot_taken(tuesday_slot):
    book(tuesday_slot, key="a")
    book(tuesday_slot, key="b", iin="900401300008")
    with pytest.raises(ValidationError) as exc:
        book(tuesday_slot, key="c", iin="980511400007")
    assert exc.value.code == "slot_taken"


def test_same_form_key_returns_the_same_booking(tuesday_slot):
    first = book(tuesday_slot, key="same")
    again = book(tuesday_slot, key="same")
    assert again.booking == first.booking
    assert (again.created, again.manage_token) == (False, None)
    assert Booking.objects.count() == 1


def test_one_active_booking_per_citizen_and_manager(tuesday_slot):
    book(tuesday_slot, key="a")
    later = Slot.objects.filter(manager=tuesday_slot.manager).order_by("starts_at")[1]
    with pytest.raises(ValidationError) as exc:
        book(later, key="b")
    assert exc.value.code == "already_booked"


def test_cancelled_booking_frees_the_seat_and_never_blocks(tuesday_slot, clock):
    clock.set(NOW)
    first = book(tuesday_slot, key="a").booking
    cancelled = services.booking_cancel(booking_id=first.pk)
    assert (cancelled.status, cancelled.is_active, cancelled.sequence) == (
        "cancelled_by_citizen",
        False,
        1,
    )
    again = book(tuesday_slot, key="b").booking
    assert again.seat == 1
    assert Booking.objects.count() == 2  # nothing deleted
    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(booking_id=first.pk)
    assert exc.value.code == "not_active"


@pytest.mark.parametrize(
    ("now", "code"),
    [
        # The slot is on Tuesday 1 December; no same-day booking.
        (datetime(2026, 12, 1, 9, 0, tzinfo=ALMATY), "outside_window"),
        (datetime(2026, 10, 30, 12, 0, tzinfo=ALMATY), "outside_window"),  # 32 days ahead
    ],
)
def test_window_refusals(tuesday_slot, now, code):
    with pytest.raises(ValidationError) as exc:
        book(tuesday_slot, now=now)
    assert exc.value.code == code


def test_window_edges_in_local_calendar_days(tuesday_slot):
    # 23:30 on Monday (18:30 UTC) still books Tuesday; 00:10 on Tuesday no longer does.
    assert services.slot_is_bookable_when(
        slot=tuesday_slot, now=datetime(2026, 11, 30, 23, 30, tzinfo=ALMATY)
    )
    assert not services.slot_is_bookable_when(
        slot=tuesday_slot, now=datetime(2026, 12, 1, 0, 10, tzinfo=ALMATY)
    )


def test_absence_added_after_generation_blocks_booking(tuesday_slot):
    Absence.objects.create(
        manager=tuesday_slot.manager, start_date=date(2026, 12, 1), end_date=date(2026, 12, 1)
    )
    with pytest.raises(ValidationError) as exc:
        book(tuesday_slot)
    assert exc.value.code == "absent"


def test_total_cap_of_active_bookings(settings):
    settings.RECEPTION_MAX_ACTIVE_PER_CITIZEN = 1
    first = RuleFactory()
    second = RuleFactory()
    for rule in (first, second):
        slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    book(Slot.objects.filter(manager=first.manager).first(), key="a")
    with pytest.raises(ValidationError) as exc:
        book(Slot.objects.filter(manager=second.manager).first(), key="b")
    assert exc.value.code == "too_many"


def test_database_rejects_a_second_active_booking_on_a_seat(tuesday_slot):
    booking = book(tuesday_slot, key="a").booking
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            number="R-BYPASS01",
            slot=tuesday_slot,
            manager=tuesday_slot.manager,
            seat=booking.seat,
            full_name="X",
            iin="900401300008",
            language="ru",
            topic="x",
            token_hash="x",
            idempotency_key="bypass",
        )


def test_ics_request_then_cancel_keep_uid_and_raise_sequence(tuesday_slot, clock):
    clock.set(NOW)
    result = book(tuesday_slot)
    booking = result.booking
    request = Calendar.from_ical(ics.booking_ics(booking, manage_url="https://x/manage/t/"))
    event = request.walk("VEVENT")[0]
    assert str(request["METHOD"]) == "REQUEST"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTAMP"].to_ical().decode().endswith("Z")
    assert event["DTSTART"].dt == tuesday_slot.starts_at
    assert "https://x/manage/t/" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == tuesday_slot.manager.place_ru  # the citizen's language
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert str(event["ATTENDEE"]) == "mailto:aigerim@example.kz"

    cancelled = services.booking_cancel(booking_id=booking.pk)
    cancel = Calendar.from_ical(ics.booking_ics(cancelled))
    cancel_event = cancel.walk("VEVENT")[0]
    assert str(cancel["METHOD"]) == "CANCEL"
    assert str(cancel_event["STATUS"]) == "CANCELLED"
    assert str(cancel_event["UID"]) == str(event["UID"])
    assert int(cancel_event["SEQUENCE"]) == 1


@pytest.fixture
def secretary():
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("secretary", is_staff=True)
    user.groups.add(Group.objects.get(name="Reception secretary"))
    return User.objects.get(pk=user.pk)


def test_slot_cancel_cancels_each_active_booking_and_notifies_each_citizen(
    tuesday_slot, secretary, django_capture_on_commit_callbacks
):
    from django.core import mail

    first = book(tuesday_slot, key="a").booking
    second = book(tuesday_slot, key="b", iin="900401300008", email="b@example.kz").booking
    third, fourth = iins(4)[2:]
    other_time = Slot.objects.exclude(pk=tuesday_slot.pk).order_by("starts_at").first()
    elsewhere = book(other_time, key="c", iin=third).booking
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.slot_cancel(
            slot_id=tuesday_slot.pk, by=secretary, reason="Директор в командировке", now=NOW
        )
    assert [b.pk for b in cancelled] == [first.pk, second.pk]
    tuesday_slot.refresh_from_db()
    assert tuesday_slot.is_cancelled is True
    for booking in (first, second):
        booking.refresh_from_db()
        assert (booking.status, booking.is_active, booking.sequence) == (
            "cancelled_by_staff",
            False,
            1,
        )
        event = booking.events.last()
        assert (event.status, event.by, event.note) == (
            "cancelled_by_staff",
            secretary,
            "Директор в командировке",
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["aigerim@example.kz", "b@example.kz"]
    elsewhere.refresh_from_db()
    assert elsewhere.is_active  # another time of the same manager is untouched
    with pytest.raises(ValidationError) as exc:
        book(tuesday_slot, key="d", iin=fourth)
    assert exc.value.code == "slot_cancelled"


def test_slot_cancel_refusals(tuesday_slot, secretary):
    from django.contrib.auth.models import User
    from django.core.exceptions import PermissionDenied

    book(tuesday_slot, key="a")
    with pytest.raises(PermissionDenied):
        services.slot_cancel(slot_id=tuesday_slot.pk, by=User.objects.create_user("x"), now=NOW)
    with pytest.raises(ValidationError) as exc:
        services.slot_cancel(slot_id=tuesday_slot.pk, by=secretary, now=tuesday_slot.starts_at)
    assert exc.value.code == "started"
    assert Booking.objects.filter(is_active=True).count() == 1
    services.slot_cancel(slot_id=tuesday_slot.pk, by=secretary, now=NOW)
    with pytest.raises(ValidationError) as exc:
        services.slot_cancel(slot_id=tuesday_slot.pk, by=secretary, now=NOW)
    assert exc.value.code == "already_cancelled"


def test_slot_cancel_is_all_or_nothing(tuesday_slot, secretary, monkeypatch):
    from notifications.models import Notification

    book(tuesday_slot, key="a")
    book(tuesday_slot, key="b", iin="900401300008")
    calls = []
    original = services._notify

    def notify_then_fail_on_the_second(booking, event, dedupe_key=None):
        calls.append(booking.pk)
        if len(calls) == 2:
            raise RuntimeError("outbox unavailable")
        return original(booking, event, dedupe_key)

    monkeypatch.setattr(services, "_notify", notify_then_fail_on_the_second)
    with pytest.raises(RuntimeError):
        services.slot_cancel(slot_id=tuesday_slot.pk, by=secretary, now=NOW)
    tuesday_slot.refresh_from_db()
    assert tuesday_slot.is_cancelled is False
    assert Booking.objects.filter(is_active=True).count() == 2
    assert not Notification.objects.filter(event="reception.cancelled").exists()
