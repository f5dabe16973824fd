import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from icalendar import Calendar

from notifications.models import Notification
from reception import services
from reception.models import Booking, Slot
from reception.slots import slots_generate
from reception.tests.factories import RuleFactory, reception_consent

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ALMATY)


@pytest.fixture
def slots():
    rule = RuleFactory(capacity=1)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 8))
    return list(Slot.objects.filter(manager=rule.manager).order_by("starts_at"))


def book(slot, language="ru", key="k", **extra):
    return services.booking_create(
        slot_id=slot.pk,
        data=services.BookingInput(
            full_name="Айгерим",
            iin="870101300009",
            topic="Помощь",
            language=language,
            email="aigerim@example.kz",
            **extra,
        ),
        idempotency_key=key,
        consent=reception_consent(),
        now=NOW,
    )


def manage_link(message) -> str:
    return re.search(r"https://appeals\.example\.kz(/\S+/manage/\S+/)", message.body).group(1)


@pytest.mark.parametrize("language", ["kk", "ru", "en", "zh-hans"])
def test_confirmation_has_invitation_and_a_working_manage_link(
    slots, language, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = book(slots[0], language=language)
    message = mail.outbox[0]
    assert result.booking.number in message.subject
    assert "01.12.2026 15:00" in message.body
    filename, content, mimetype = message.attachments[0]
    assert filename == f"{result.booking.number}.ics"
    assert mimetype.startswith("text/calendar; method=REQUEST")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event["DTSTART"].dt == slots[0].starts_at
    link = manage_link(message)
    assert link == f"/{language}/reception/manage/{result.manage_token}/"
    page = Client().get(link).content.decode()
    assert result.booking.number in page
    # The outbox never stores the link's secret.
    assert result.manage_token not in str(Notification.objects.get().context)


def test_cancellation_notice_carries_a_cancel_invitation(
    slots, django_capture_on_commit_callbacks, clock
):
    clock.set(NOW)
    booking = book(slots[0]).booking
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking_id=booking.pk, by=None)
    assert len(mail.outbox) == 1  # the confirmation was not sent: on_commit was not run for it
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert mail.outbox[0].attachments[0][2].startswith("text/calendar; method=CANCEL")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1


def test_reschedule_moves_the_seat_keeps_uid_and_raises_sequence(
    slots, django_capture_on_commit_callbacks
):
    booking = book(slots[0]).booking
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.booking_reschedule(booking_id=booking.pk, new_slot_id=slots[2].pk, now=NOW)
    assert (moved.slot, moved.sequence, moved.reschedule_count) == (slots[2], 1, 1)
    assert list(moved.events.values_list("status", flat=True)) == ["booked", "rescheduled"]
    # The old time is free again for someone else.
    other = services.booking_create(
        slot_id=slots[0].pk,
        data=services.BookingInput(
            full_name="B", iin="900401300008", topic="t", language="ru", email="b@example.kz"
        ),
        idempotency_key="other",
        consent=reception_consent(),
        now=NOW,
    )
    assert other.booking.seat == 1
    invite = Calendar.from_ical(mail.outbox[-1].attachments[0][1]).walk("VEVENT")[0]
    assert int(invite["SEQUENCE"]) == 1
    assert invite["DTSTART"].dt == slots[2].starts_at


def test_reschedule_limits(slots, settings):
    settings.RECEPTION_MAX_RESCHEDULES = 1
    booking = book(slots[0]).booking
    services.booking_reschedule(booking_id=booking.pk, new_slot_id=slots[1].pk, now=NOW)
    with pytest.raises(ValidationError) as exc:
        services.booking_reschedule(booking_id=booking.pk, new_slot_id=slots[2].pk, now=NOW)
    assert exc.value.code == "too_many_reschedules"


def test_reschedule_only_to_a_time_of_the_same_manager(slots):
    booking = book(slots[0]).booking
    other_manager = RuleFactory()
    slots_generate(manager=other_manager.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    with pytest.raises(ValidationError) as exc:
        services.booking_reschedule(
            booking_id=booking.pk,
            new_slot_id=Slot.objects.filter(manager=other_manager.manager).first().pk,
            now=NOW,
        )
    assert exc.value.code == "other_manager"
    booking.refresh_from_db()
    assert (booking.slot, booking.reschedule_count) == (slots[0], 0)


def test_citizen_cannot_cancel_at_the_last_minute(slots):
    booking = book(slots[0]).booking
    Slot.objects.filter(pk=slots[0].pk).update(
        starts_at=datetime.now(ALMATY) + timedelta(minutes=30),
        ends_at=datetime.now(ALMATY) + timedelta(minutes=50),
    )
    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(booking_id=booking.pk, by=None)
    assert exc.value.code == "too_late"


def test_reminders_24h_and_2h_each_once_and_skipped_after_cancel(
    slots, django_capture_on_commit_callbacks
):
    booking = book(slots[0]).booking  # Tuesday 1 December 15:00
    day_before = datetime(2026, 11, 30, 16, 0, tzinfo=ALMATY)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.booking_send_reminders(now=day_before) == 1
        assert services.booking_send_reminders(now=day_before) == 0
    reminders = [m for m in mail.outbox if booking.number in m.subject and "15:00" in m.subject]
    assert len(reminders) == 1
    two_hours = datetime(2026, 12, 1, 13, 30, tzinfo=ALMATY)
    Booking.objects.filter(pk=booking.pk).update(is_active=False, status="cancelled_by_staff")
    assert services.booking_send_reminders(now=two_hours) == 0


def test_reminder_queued_before_cancellation_is_skipped_at_send_time(
    slots, django_capture_on_commit_callbacks
):
    from notifications.services import notification_deliver

    booking = book(slots[0]).booking
    services.booking_send_reminders(now=datetime(2026, 11, 30, 16, 0, tzinfo=ALMATY))
    reminder = Notification.objects.get(event="reception.reminder")
    Booking.objects.filter(pk=booking.pk).update(is_active=False, status="cancelled_by_citizen")
    row = notification_deliver(notification_id=reminder.pk)
    assert row.status == "cancelled"
    assert row.last_error.startswith("skipped: booking is cancelled_by_citizen")
    assert mail.outbox == []
