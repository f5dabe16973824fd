from datetime import datetime, timedelta

import pytest

from pkop_portal import workdays
from reception import selectors, services
from reception.models import Slot
from reception.tests.factories import ManagerFactory, iins, reception_consent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=workdays.LOCAL_TZ)  # a Monday morning in Shymkent


def slot(manager, days: int, hour: int = 10, **fields) -> Slot:
    starts_at = NOW.replace(hour=hour) + timedelta(days=days)
    return Slot.objects.create(
        manager=manager, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20), **fields
    )


def book(target: Slot) -> None:
    services.booking_create(
        slot_id=target.pk,
        data=services.BookingInput(
            full_name="Айгерим Садыкова",
            iin=iins(1)[0],
            topic="Помощь",
            language="ru",
            email="a@example.kz",
        ),
        idempotency_key=f"key-{target.pk}".ljust(32, "x"),
        consent=reception_consent(),
    )


def test_next_free_slots_per_manager_are_the_earliest_bookable_ones(clock):
    clock.set(NOW)
    busy, quiet, idle = ManagerFactory(), ManagerFactory(), ManagerFactory()
    slot(busy, 0, hour=15)  # today: inside the minimum notice
    full = slot(busy, 1)
    slot(busy, 2, is_cancelled=True)
    expected = [slot(busy, 3), slot(busy, 4), slot(busy, 4, hour=11)]
    slot(busy, 5)  # the fourth free one
    slot(busy, 40)  # beyond the horizon
    only = slot(quiet, 7)
    book(full)

    found = selectors.slot_next_free_by_manager(manager_ids=[busy.pk, quiet.pk, idle.pk], now=NOW)

    assert {pk: [s.pk for s in slots] for pk, slots in found.items()} == {
        busy.pk: [s.pk for s in expected],
        quiet.pk: [only.pk],
    }


def test_manager_rows_list_active_managers_in_order_with_their_free_slots(clock):
    clock.set(NOW)
    second = ManagerFactory(position=2)
    first = ManagerFactory(position=1)
    ManagerFactory(position=0, is_active=False)
    free = slot(second, 3)

    rows = selectors.manager_rows_public(now=NOW)

    assert [(manager.pk, [s.pk for s in slots]) for manager, slots in rows] == [
        (first.pk, []),
        (second.pk, [free.pk]),
    ]


def test_manager_rows_cost_two_queries_whatever_the_number_of_managers(
    clock, django_assert_num_queries
):
    clock.set(NOW)
    for _ in range(12):
        manager = ManagerFactory()
        for day in range(1, 6):
            slot(manager, day)

    with django_assert_num_queries(2):
        rows = selectors.manager_rows_public(now=NOW)

    assert [len(slots) for _manager, slots in rows] == [3] * 12
