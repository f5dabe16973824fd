"""No overbooking under concurrent requests: real threads against PostgreSQL."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reception import services
from reception.models import Booking, Slot
from reception.slots import slots_generate
from reception.tests.factories import RuleFactory, iins

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))


def race(calls) -> tuple[list, list]:
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=20)
            results.append(call())
        except ValidationError as exc:
            errors.append(exc.code)
        except Exception as exc:  # surfaced by the assertions on `errors`
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.parametrize("capacity", [1, 2])
def test_twenty_concurrent_bookings_of_one_slot_fill_exactly_its_capacity(capacity):
    rule = RuleFactory(capacity=capacity)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    slot = Slot.objects.filter(manager=rule.manager).first()
    people = iins(20)

    def attempt(i):
        return lambda: services.booking_create(
            slot_id=slot.pk,
            data=services.BookingInput(
                full_name=f"Citizen {i}",
                iin=people[i],
                topic="t",
                language="ru",
                email=f"c{i}@example.kz",
            ),
            idempotency_key=f"race-{capacity}-{i}",
            now=NOW,
        )

    results, errors = race([attempt(i) for i in range(20)])
    assert len(results) == capacity
    assert errors == ["slot_taken"] * (20 - capacity)
    seats = sorted(Booking.objects.filter(slot=slot, is_active=True).values_list("seat", flat=True))
    assert seats == list(range(1, capacity + 1))


def test_concurrent_duplicates_of_one_citizen_make_one_booking():
    rule = RuleFactory(capacity=5)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    slots = list(Slot.objects.filter(manager=rule.manager).order_by("starts_at"))

    def attempt(i):
        return lambda: services.booking_create(
            slot_id=slots[i % len(slots)].pk,
            data=services.BookingInput(
                full_name="Айгерим",
                iin="870101300009",
                topic="t",
                language="ru",
                email="a@example.kz",
            ),
            idempotency_key=f"dup-{i}",
            now=NOW,
        )

    results, errors = race([attempt(i) for i in range(12)])
    assert len(results) == 1
    assert set(errors) == {"already_booked"}
    assert Booking.objects.filter(iin="870101300009", is_active=True).count() == 1


def test_double_click_with_the_same_form_key_returns_one_booking():
    rule = RuleFactory(capacity=3)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    slot = Slot.objects.filter(manager=rule.manager).first()

    def attempt():
        return services.booking_create(
            slot_id=slot.pk,
            data=services.BookingInput(
                full_name="Айгерим",
                iin="870101300009",
                topic="t",
                language="ru",
                email="a@example.kz",
            ),
            idempotency_key="same-form",
            now=NOW,
        )

    results, errors = race([attempt for _ in range(8)])
    assert errors == []
    assert len({r.booking.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert Booking.objects.count() == 1
