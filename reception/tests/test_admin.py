from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reception import services
from reception.models import Booking, Slot
from reception.slots import slots_generate, slots_generate_all
from reception.tests.factories import RuleFactory, iins

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


def test_booking_changelist_masks_iin_and_has_constant_queries(secretary_client):
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
            now=NOW,
        )

    book(0, "870101300009")

    def count():
        with CaptureQueriesContext(connection) as queries:
            html = secretary_client.get("/en/admin/reception/booking/").content.decode()
        return len(queries), html

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
        now=NOW,
    ).booking
    secretary_client.post(
        "/en/admin/reception/booking/",
        {"action": "cancel_by_staff", "_selected_action": [booking.pk]},
    )
    booking.refresh_from_db()
    assert (booking.status, booking.is_active) == ("cancelled_by_staff", False)
    assert booking.events.last().by.username == "secretary"
