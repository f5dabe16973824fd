from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User

from reception import services
from reception.models import Booking, Slot
from reception.slots import slots_generate, slots_generate_all
from reception.tests.factories import RuleFactory, iins, reception_consent

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.fixture
def secretary_client(client):
    user = User.objects.create_user("secretary", is_staff=True)
    user.groups.add(Group.objects.get(name="Reception secretary"))
    client.force_login(user)
    return client


def test_secretary_generates_slots_from_the_admin(secretary_client):
    rule = RuleFactory()
    response = secretary_client.post(
        "/en/admin/reception/manager/",
        {"action": "generate_slots", "_selected_action": [rule.manager.pk]},
        follow=True,
    )
    created = Slot.objects.filter(manager=rule.manager).count()
    assert created > 0
    assert f"{created} slots created." in response.content.decode()


def test_daily_job_generates_the_horizon_once():
    rule = RuleFactory()
    first = slots_generate_all(today=date(2026, 11, 30))
    assert first == 6 * 5  # Tuesdays 1, 8, 15, 22, 29 December are within 30 days
    assert slots_generate_all(today=date(2026, 11, 30)) == 0
    assert Slot.objects.filter(manager=rule.manager).count() == first


def test_booking_changelist_masks_iin_and_has_constant_queries(secretary_client, query_count):
    rule = RuleFactory(capacity=60)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    slot = Slot.objects.first()

    def book(i, iin):
        services.booking_create(
            slot_id=slot.pk,
            data=services.BookingInput(
                full_name=f"C{i}", iin=iin, topic="t", language="ru", email="c@example.kz"
            ),
            idempotency_key=f"k{i}",
            consent=reception_consent(),
            now=NOW,
        )

    book(0, "870101300009")

    def count():
        return query_count(
            # Every booking: the list opens on upcoming ones, and these are on a past day.
            lambda: secretary_client.get("/en/admin/reception/booking/?state=all").content.decode()
        )

    one, html = count()
    assert "8701******09" in html and "870101300009" not in html
    for i, iin in enumerate(iins(30)[1:], start=1):
        book(i, iin)
    many, _html = count()
    assert Booking.objects.count() == 30
    assert many == one


def test_staff_cancel_action_frees_the_seat(secretary_client):
    rule = RuleFactory()
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    booking = services.booking_create(
        slot_id=Slot.objects.first().pk,
        data=services.BookingInput(
            full_name="A", iin="870101300009", topic="t", language="ru", email="a@example.kz"
        ),
        idempotency_key="k",
        consent=reception_consent(),
        now=NOW,
    ).booking
    secretary_client.post(
        "/en/admin/reception/booking/?state=all",
        {"action": "cancel_by_staff", "_selected_action": [booking.pk]},
    )
    booking.refresh_from_db()
    assert (booking.status, booking.is_active) == ("cancelled_by_staff", False)
    assert booking.events.last().by.username == "secretary"


SLOTS = "/en/admin/reception/slot/"


def booked_slot(capacity=2, citizens=2, first_citizen=0):
    rule = RuleFactory(capacity=capacity)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    slot = Slot.objects.filter(manager=rule.manager).order_by("starts_at").first()
    for i, iin in enumerate(iins(first_citizen + citizens)[first_citizen:]):
        services.booking_create(
            slot_id=slot.pk,
            data=services.BookingInput(
                full_name=f"Гражданин {i}", iin=iin, topic="t", language="ru", email=f"c{i}@ex.kz"
            ),
            idempotency_key=f"slot-{slot.pk}-{iin}",
            consent=reception_consent(),
            now=NOW,
        )
    return slot


def test_slot_cannot_be_cancelled_by_a_tick_in_place(secretary_client):
    slot = booked_slot()
    page = secretary_client.get(f"{SLOTS}{slot.pk}/change/").content.decode()
    assert 'name="is_cancelled"' not in page
    secretary_client.post(f"{SLOTS}{slot.pk}/change/", {"is_cancelled": "on"})
    slot.refresh_from_db()
    assert slot.is_cancelled is False
    assert Booking.objects.filter(slot=slot, is_active=True).count() == 2


def test_cancel_action_confirms_then_cancels_and_notifies(
    secretary_client, django_capture_on_commit_callbacks, clock
):
    from django.core import mail

    clock.set(NOW)
    slot = booked_slot()
    action = {"action": "cancel_slots", "_selected_action": [slot.pk]}
    page = secretary_client.post(SLOTS, action).content.decode()
    assert "Гражданин 0" in page and "Гражданин 1" in page
    assert 'name="confirm" value="yes"' in page
    slot.refresh_from_db()
    assert slot.is_cancelled is False  # nothing happens before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(
            SLOTS, {**action, "confirm": "yes", "reason": "Совещание"}, follow=True
        )
    assert "Reception times cancelled: 1; citizens notified: 2." in response.content.decode()
    slot.refresh_from_db()
    assert slot.is_cancelled is True
    bookings = Booking.objects.filter(slot=slot)
    assert set(bookings.values_list("status", "is_active")) == {("cancelled_by_staff", False)}
    assert {e.note for b in bookings for e in b.events.filter(status="cancelled_by_staff")} == {
        "Совещание"
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["c0@ex.kz", "c1@ex.kz"]
    # Again: the time is already cancelled, which is said, not hidden.
    response = secretary_client.post(SLOTS, {**action, "confirm": "yes"}, follow=True)
    assert "This time is already cancelled." in response.content.decode()


def test_cancel_action_needs_the_change_right(client):
    slot = booked_slot()
    head = User.objects.create_user("head", is_staff=True)
    head.groups.add(Group.objects.get(name="Head"))
    client.force_login(head)
    response = client.post(SLOTS, {"action": "cancel_slots", "_selected_action": [slot.pk]})
    assert 'name="confirm"' not in response.content.decode()
    response = client.post(
        SLOTS, {"action": "cancel_slots", "_selected_action": [slot.pk], "confirm": "yes"}
    )
    slot.refresh_from_db()
    assert slot.is_cancelled is False
    assert Booking.objects.filter(slot=slot, is_active=True).count() == 2
    assert "cancel_slots" not in client.get(SLOTS).content.decode()


def test_slot_changelist_shows_active_bookings_with_constant_queries(secretary_client, query_count):
    booked_slot(capacity=3, citizens=1)

    def changelist():
        response = secretary_client.get(SLOTS)
        return [s.booked_count for s in response.context["cl"].result_list]

    one, counts = query_count(changelist)
    assert sorted(counts) == [0, 0, 0, 0, 0, 1]  # Tuesday 15:00–17:00: six 20-minute times
    for n in range(4):
        booked_slot(capacity=3, citizens=3, first_citizen=1 + 3 * n)
    many, counts = query_count(changelist)
    assert len(counts) == 30 and counts.count(3) == 4
    assert many == one
