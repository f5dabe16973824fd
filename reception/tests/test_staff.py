from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError

from appeals.models import Appeal, Category
from pkop_portal.forms import new_form_key
from reception import services
from reception.models import Absence, Booking, Slot
from reception.slots import slots_generate
from reception.tests.factories import RuleFactory, iins, reception_consent

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ALMATY)


@pytest.fixture
def secretary(client):
    user = User.objects.create_user("secretary", is_staff=True, first_name="Гульнара")
    user.groups.add(Group.objects.get(name="Reception secretary"))
    user.groups.add(Group.objects.get(name="Registrar"))
    client.force_login(user)
    return user


@pytest.fixture
def past_booking():
    """A booking whose visit day has come (the slot is moved to today after booking)."""
    rule = RuleFactory(capacity=40)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    slot = Slot.objects.first()
    booking = services.booking_create(
        slot_id=slot.pk,
        data=services.BookingInput(
            full_name="Айгерим",
            iin="870101300009",
            topic="Помощь на лечение",
            language="kk",
            email="a@example.kz",
            description="Нужна операция",
        ),
        idempotency_key="k",
        consent=reception_consent(),
        now=NOW,
    ).booking
    today = datetime.now(ALMATY).replace(hour=9, minute=0, second=0, microsecond=0)
    Slot.objects.filter(pk=slot.pk).update(starts_at=today, ends_at=today.replace(minute=20))
    return Booking.objects.get(pk=booking.pk)


def test_attended_with_summary_then_registered_as_appeal(client, secretary, past_booking):
    url = f"/en/admin/reception/booking/{past_booking.pk}/"
    response = client.post(url + "visit/", {"summary": "Просит помощь на операцию"})
    assert response.status_code == 302
    past_booking.refresh_from_db()
    assert (past_booking.status, past_booking.visit_summary) == (
        "attended",
        "Просит помощь на операцию",
    )
    response = client.post(
        url + "to-appeal/",
        {
            "kind": "statement",
            "category": Category.objects.get(slug="charity").pk,
            "subject": "Помощь на лечение",
            "text": "Просит помощь на операцию",
            "form_key": new_form_key(),
        },
    )
    assert response["Location"] == "/en/admin/appeals/appeal/talon/"
    past_booking.refresh_from_db()
    appeal = Appeal.objects.get()
    assert past_booking.appeal == appeal
    assert appeal.reception_booking == past_booking
    assert (appeal.channel, appeal.language, appeal.iin, appeal.registered_by) == (
        "reception",
        "kk",
        "870101300009",
        secretary,
    )
    assert appeal.protocol == "Просит помощь на операцию"
    with pytest.raises(ValidationError) as exc:
        services.booking_to_appeal(
            booking_id=past_booking.pk,
            by=secretary,
            kind="statement",
            category=Category.objects.get(slug="charity"),
            subject="x",
            text="x",
        )
    assert exc.value.code == "already_linked"


def test_future_visit_cannot_be_marked(secretary):
    rule = RuleFactory()
    slots_generate(manager=rule.manager, start=date(2030, 1, 15), end=date(2030, 1, 15))
    booking = services.booking_create(
        slot_id=Slot.objects.first().pk,
        data=services.BookingInput(
            full_name="A", iin="870101300009", topic="t", language="ru", email="a@example.kz"
        ),
        idempotency_key="k",
        consent=reception_consent(),
        now=datetime(2030, 1, 10, 12, 0, tzinfo=ALMATY),
    ).booking
    with pytest.raises(ValidationError) as exc:
        services.booking_mark_visit(booking_id=booking.pk, by=secretary, attended=False)
    assert exc.value.code == "not_started"


def test_no_show_action_counts_and_blocks_after_n(client, secretary, past_booking, settings):
    # A past day's visit: listed with every booking (the list opens on upcoming ones).
    client.post(
        "/en/admin/reception/booking/?state=all",
        {"action": "mark_no_show", "_selected_action": [past_booking.pk]},
    )
    past_booking.refresh_from_db()
    assert past_booking.status == "no_show"
    listed = client.get("/en/admin/reception/booking/?state=all").context["cl"].result_list
    assert [b.no_show_count for b in listed] == [1]
    settings.RECEPTION_NO_SHOW_BLOCK = 1
    rule = RuleFactory()
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    with pytest.raises(ValidationError) as exc:
        services.booking_create(
            slot_id=Slot.objects.filter(manager=rule.manager).first().pk,
            data=services.BookingInput(
                full_name="A", iin="870101300009", topic="t", language="ru", email="a@example.kz"
            ),
            idempotency_key="k2",
            consent=reception_consent(),
            now=NOW,
        )
    assert exc.value.code == "blocked"


def test_agenda_lists_the_day_with_bounded_queries(client, secretary, past_booking, query_count):
    today = datetime.now(ALMATY).date()

    def agenda():
        return query_count(
            lambda: client.get(
                f"/en/admin/reception/booking/agenda/?date={today:%Y-%m-%d}"
            ).content.decode()
        )

    one, html = agenda()
    assert past_booking.number in html and "Помощь на лечение" in html
    slot = past_booking.slot
    for i, iin in enumerate(iins(20)[1:], start=1):
        Booking.objects.create(
            number=f"R-TEST{i:04d}",
            slot=slot,
            manager=slot.manager,
            seat=i + 1,
            full_name=f"C{i}",
            iin=iin,
            language="ru",
            topic="t",
            token_nonce="n",
            token_hash=f"h{i}",
            idempotency_key=f"i{i}",
        )
    many, html = agenda()
    assert html.count("R-TEST") == 19
    assert many == one


def test_conflict_filter_lists_bookings_hit_by_a_new_absence(client, secretary):
    rule = RuleFactory()
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 8))
    first, second = Slot.objects.order_by("starts_at")[0], Slot.objects.order_by("starts_at")[6]
    for slot, iin, key in ((first, "870101300009", "a"), (second, "900401300008", "b")):
        services.booking_create(
            slot_id=slot.pk,
            data=services.BookingInput(
                full_name="A", iin=iin, topic="t", language="ru", email="a@example.kz"
            ),
            idempotency_key=key,
            consent=reception_consent(),
            now=NOW,
        )
    Absence.objects.create(
        manager=rule.manager, start_date=date(2026, 12, 8), end_date=date(2026, 12, 8)
    )
    listed = client.get("/en/admin/reception/booking/?conflict=yes").context["cl"].result_list
    assert [b.slot_id for b in listed] == [second.pk]


def test_conflict_filter_lists_bookings_after_a_schedule_change(client, secretary):
    rule = RuleFactory()
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    slot = Slot.objects.first()
    services.booking_create(
        slot_id=slot.pk,
        data=services.BookingInput(
            full_name="A", iin="870101300009", topic="t", language="ru", email="a@example.kz"
        ),
        idempotency_key="a",
        consent=reception_consent(),
        now=NOW,
    )
    assert client.get("/en/admin/reception/booking/?conflict=yes").context["cl"].result_count == 0
    rule.weekdays = "4"  # moved from Tuesdays to Thursdays
    rule.save()
    listed = client.get("/en/admin/reception/booking/?conflict=yes").context["cl"].result_list
    assert [b.slot_id for b in listed] == [slot.pk]
