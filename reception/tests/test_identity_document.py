"""A citizen without an IIN (a foreign national) books a visit with an identity document
(issue 13): the form, the service's one-active-booking rule and its constraint, the staff list
and search, the visit registered as an appeal."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from appeals.models import Appeal, Category
from pkop_portal.forms import new_form_key
from reception import selectors, services
from reception.models import Booking, Slot
from reception.slots import slots_generate, slots_generate_all
from reception.tests.factories import BookingFactory, RuleFactory, SlotFactory, reception_consent

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))
PASSPORT = "E12345678"


def document_input(number=PASSPORT, kind="passport", **fields) -> services.BookingInput:
    values = {
        "full_name": "Li Wei",
        "iin": "",
        "id_document_kind": kind,
        "id_document_number": number,
        "topic": "Noise at night",
        "language": "en",
        "email": "li.wei@example.cn",
        **fields,
    }
    return services.BookingInput(**values)


def book(slot, data, key):
    return services.booking_create(
        slot_id=slot.pk, data=data, idempotency_key=key, consent=reception_consent(), now=NOW
    )


@pytest.fixture
def slots():
    """Six Tuesday slots (1 December 2026) of one manager, one citizen each."""
    rule = RuleFactory()
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    return list(Slot.objects.filter(manager=rule.manager).order_by("starts_at"))


# --- the service ---


def test_booking_with_a_document_stores_the_document_and_no_iin(slots):
    booking = book(slots[0], document_input(), "k1").booking
    booking.refresh_from_db()
    assert (booking.iin, booking.id_document_kind, booking.id_document_number) == (
        "",
        "passport",
        PASSPORT,
    )
    assert booking.is_active


def test_second_active_booking_with_the_same_document_at_the_same_manager_is_refused(
    slots, in_english
):
    book(slots[0], document_input(), "k1")
    with pytest.raises(ValidationError) as refused:
        book(slots[1], document_input(), "k2")
    assert refused.value.code == "already_booked"
    assert refused.value.messages == ["You already have a booking with this manager."]
    assert Booking.objects.filter(id_document_number=PASSPORT).count() == 1


def test_other_documents_and_other_managers_are_not_held_by_a_document_booking(slots):
    book(slots[0], document_input(), "k1")
    # Another foreigner at the same manager: both bookings have an empty IIN, neither blocks.
    book(slots[1], document_input("E87654321"), "k2")
    # An IIN holder at the same manager.
    book(slots[2], document_input("", kind="", iin="870101300009"), "k3")
    # The same passport at another manager.
    other = SlotFactory(starts_at=slots[0].starts_at)
    book(other, document_input(), "k4")
    assert Booking.objects.filter(is_active=True).count() == 4


def test_a_cancelled_document_booking_frees_the_citizen_for_a_new_one(slots):
    first = book(slots[0], document_input(), "k1").booking
    services.booking_cancel(booking_id=first.pk, by=User.objects.create_user("secretary"))
    again = book(slots[1], document_input(), "k2").booking
    assert again.id_document_number == PASSPORT and again.is_active


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"id_document_kind": ""}, "id_document"),
        ({"id_document_number": ""}, "id_document"),
        ({"id_document_kind": "driving_licence"}, "id_document"),
        ({"id_document_number": "E1"}, "id_document_length"),
        ({"iin": "870101300009"}, "iin_and_document"),
        ({"id_document_kind": "", "id_document_number": ""}, "no_identity"),
    ],
)
def test_service_refuses_an_incomplete_or_double_identity(slots, fields, code):
    with pytest.raises(ValidationError) as refused:
        book(slots[0], document_input(**fields), "k1")
    assert refused.value.code == code
    assert Booking.objects.count() == 0


def test_a_document_booking_is_moved_to_another_time(slots):
    booking = book(slots[0], document_input(), "k1").booking
    moved = services.booking_reschedule(booking_id=booking.pk, new_slot_id=slots[1].pk, now=NOW)
    assert moved.slot == slots[1] and moved.id_document_number == PASSPORT


def test_no_shows_are_counted_per_document_not_across_citizens_without_an_iin():
    BookingFactory(iin="", id_document_kind="passport", id_document_number="E11111111")
    for status in (Booking.Status.NO_SHOW, Booking.Status.NO_SHOW):
        BookingFactory(
            iin="", id_document_kind="passport", id_document_number="E11111111", status=status
        )
    other = BookingFactory(iin="", id_document_kind="passport", id_document_number="E22222222")
    counts = {b.pk: b.no_show_count for b in selectors.booking_list_for_staff()}
    first = Booking.objects.filter(id_document_number="E11111111", status="booked").get()
    assert counts[first.pk] == 2
    assert counts[other.pk] == 0


# --- the database constraints ---


def document_row(number=PASSPORT, **fields):
    values = {"iin": "", "id_document_kind": "passport", "id_document_number": number, **fields}
    return BookingFactory(**values)


def test_database_refuses_a_second_active_booking_of_one_document_at_one_manager():
    first = document_row()

    def other_slot(hour):
        return SlotFactory(manager=first.manager, starts_at=NOW.replace(hour=hour))

    with pytest.raises(IntegrityError), transaction.atomic():
        document_row(slot=other_slot(9))
    # Not active (a visit missed): allowed; another number: allowed.
    document_row(slot=other_slot(10), status="no_show")
    document_row("E87654321", slot=other_slot(11))
    assert Booking.objects.filter(manager=first.manager).count() == 3


@pytest.mark.parametrize(
    "fields",
    [
        {"iin": "", "id_document_kind": "", "id_document_number": ""},  # nobody
        {"id_document_kind": "passport", "id_document_number": PASSPORT},  # IIN and document
        {"iin": "", "id_document_kind": "", "id_document_number": PASSPORT},  # no kind
        {"iin": "", "id_document_kind": "passport", "id_document_number": "e1234567"},
    ],
)
def test_database_refuses_a_booking_without_one_clear_identity(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(**fields)


# --- the public form ---


@pytest.fixture
def free_slot():
    rule = RuleFactory(weekdays="1,2,3,4,5", capacity=1)
    slots_generate_all()
    return selectors.slot_list_free(manager=rule.manager, now=timezone.now()).first()


def booking_form(client, slot, **overrides):
    html = client.get(f"/en/reception/slot/{slot.pk}/book/").content.decode()
    key = html.split('name="form_key" value="')[1].split('"')[0]
    version = html.split('name="consent_version" value="')[1].split('"')[0]
    return {
        "full_name": "Li Wei",
        "iin": "",
        "no_iin": "on",
        "id_document_kind": "passport",
        "id_document_number": "e1234 5678",
        "phone": "",
        "email": "li.wei@example.cn",
        "topic": "Noise at night",
        "description": "",
        "consent": "on",
        "consent_version": version,
        "form_key": key,
        "website": "",
        **overrides,
    }


def post(client, slot, data):
    return client.post(f"/en/reception/slot/{slot.pk}/book/", data)


def test_form_books_with_a_passport_and_keeps_only_the_chosen_part(client, free_slot):
    # The IIN typed before "I have no IIN" was ticked is hidden on the page: not kept.
    response = post(client, free_slot, booking_form(client, free_slot, iin="870101300009"))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{booking.number}/")
    assert (booking.iin, booking.id_document_kind, booking.id_document_number) == (
        "",
        "passport",
        PASSPORT,
    )


def test_form_with_an_iin_drops_a_document_left_in_the_hidden_fields(client, free_slot):
    data = booking_form(client, free_slot, iin="870101300009", no_iin="")
    post(client, free_slot, data)
    booking = Booking.objects.get()
    assert (booking.iin, booking.id_document_kind, booking.id_document_number) == (
        "870101300009",
        "",
        "",
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_document_kind": ""}, "id_document_kind", "Choose the kind of identity document."),
        (
            {"id_document_number": ""},
            "id_document_number",
            "Give the number of your identity document.",
        ),
        (
            {"id_document_number": "E1"},
            "id_document_number",
            "A document number has 4 to 20 letters and digits.",
        ),
        (
            {"no_iin": ""},
            "iin",
            "Give your IIN, or tick “I have no IIN” and give an identity document.",
        ),
    ],
)
def test_form_names_what_is_missing_and_keeps_what_was_typed(
    client, free_slot, overrides, field, message
):
    response = post(client, free_slot, booking_form(client, free_slot, **overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert f'href="#id_{field}' in html  # the error summary links to the field
    assert 'value="Li Wei"' in html and 'value="Noise at night"' in html
    assert Booking.objects.count() == 0


def test_booking_page_explains_itself(client, free_slot):
    html = client.get(f"/en/reception/slot/{free_slot.pk}/book/").content.decode()
    assert "Fields marked with * are required." in html
    # The IIN is marked required although "I have no IIN" makes it optional.
    assert re.search(r'for="id_iin"[^>]*>\s*IIN<span class="asteriskField">\*</span>', html)
    # The contact rule said before any error, and the document's fields after the IIN.
    assert "Give a phone number, an e-mail address, or both." in html
    assert html.index('id="id_iin"') < html.index('id="id_no_iin"')
    assert html.index('id="id_no_iin"') < html.index('id="id_id_document_number"')
    assert 'data-reveal-by="input[name=no_iin]"' in html
    assert "js/conditional-reveal" in html


# --- staff: the list, the search, the visit registered as an appeal ---


def staff_client(*groups) -> tuple[Client, User]:
    user = User.objects.create_user("-".join(groups), is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    client = Client()
    client.force_login(user)
    return client, user


def test_booking_list_shows_the_document_masked_and_finds_it_by_number():
    booking = document_row()
    client, _user = staff_client("Reception secretary")
    html = client.get("/en/admin/reception/booking/?state=all").content.decode()
    assert "Passport E******78" in html
    assert PASSPORT not in html
    found = client.get("/en/admin/reception/booking/", {"q": "e1234 5678"})
    assert [b.pk for b in found.context["cl"].result_list] == [booking.pk]
    # The booking's page shows it, as it shows an IIN, to those who handle the visit.
    page = client.get(f"/en/admin/reception/booking/{booking.pk}/change/").content.decode()
    assert "Passport" in page and PASSPORT in page


def test_visit_of_a_citizen_without_an_iin_becomes_an_appeal_with_the_document(slots):
    booking = book(slots[0], document_input(), "k1").booking
    client, _user = staff_client("Head")
    response = client.post(
        f"/en/admin/reception/booking/{booking.pk}/to-appeal/",
        {
            "kind": "statement",
            "category": Category.objects.get(slug="charity").pk,
            "subject": "Noise at night",
            "text": "The flare is loud every night.",
            "form_key": new_form_key(),
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.iin, appeal.id_document_kind, appeal.id_document_number) == (
        "",
        "passport",
        PASSPORT,
    )
    booking.refresh_from_db()
    assert booking.appeal == appeal
