"""No overbooking under concurrent requests: real threads against PostgreSQL."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reception import services
from reception.models import Booking, Slot
from reception.slots import slots_generate
from reception.tests.factories import RuleFactory, iins, reception_consent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.mark.parametrize("capacity", [1, 2])
def test_twenty_concurrent_bookings_of_one_slot_fill_exactly_its_capacity(race, capacity):
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
            consent=reception_consent(),
            now=NOW,
        )

    outcome = race([attempt(i) for i in range(20)])
    assert len(outcome.results) == capacity
    assert outcome.errors == ["slot_taken"] * (20 - capacity)
    seats = sorted(Booking.objects.filter(slot=slot, is_active=True).values_list("seat", flat=True))
    assert seats == list(range(1, capacity + 1))


# One citizen, known by an IIN, or without one (a foreign national) by a document's number.
BY_IIN = {"full_name": "Айгерим", "iin": "870101300009", "email": "a@example.kz"}
BY_DOCUMENT = {
    "full_name": "Li Wei",
    "iin": "",
    "id_document_kind": "passport",
    "id_document_number": "E12345678",
    "email": "li.wei@example.cn",
}


@pytest.mark.parametrize("citizen", [BY_IIN, BY_DOCUMENT], ids=["iin", "document"])
def test_concurrent_duplicates_of_one_citizen_make_one_booking(race, citizen):
    """At most one active booking per manager, by IIN or by document number, under one lock."""
    rule = RuleFactory(capacity=5)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    slots = list(Slot.objects.filter(manager=rule.manager).order_by("starts_at"))

    def attempt(i):
        return lambda: services.booking_create(
            slot_id=slots[i % len(slots)].pk,
            data=services.BookingInput(topic="t", language="ru", **citizen),
            idempotency_key=f"dup-{i}",
            consent=reception_consent(),
            now=NOW,
        )

    outcome = race([attempt(i) for i in range(12)])
    assert len(outcome.results) == 1
    assert outcome.errors == ["already_booked"] * 11
    who = {key: citizen[key] for key in ("iin", "id_document_number") if citizen.get(key)}
    assert Booking.objects.filter(**who, is_active=True).count() == 1


def test_double_click_with_the_same_form_key_returns_one_booking(race):
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
            consent=reception_consent(),
            now=NOW,
        )

    outcome = race([attempt for _ in range(8)])
    assert outcome.errors == []
    assert len(outcome.results) == 8
    assert len({r.booking.pk for r in outcome.results}) == 1
    assert sum(r.created for r in outcome.results) == 1
    assert Booking.objects.count() == 1
