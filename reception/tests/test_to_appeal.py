"""A visit becomes an appeal properly: the right to add appeals, and the talon with the code."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.test import Client

from appeals.models import Appeal, Category
from pkop_portal import access_codes
from pkop_portal.forms import new_form_key
from reception import services
from reception.models import Booking, BookingEvent, Slot
from reception.slots import slots_generate
from reception.tests.factories import RuleFactory, reception_consent

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
TALON = "/en/admin/appeals/appeal/talon/"
CODE = re.compile(r'id="access-code">([A-Z0-9-]+)<')


@pytest.fixture
def booking():
    rule = RuleFactory(capacity=5)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    created = services.booking_create(
        slot_id=Slot.objects.first().pk,
        data=services.BookingInput(
            full_name="Айгерим",
            iin="870101300009",
            topic="Помощь на лечение",
            language="ru",
            email="a@example.kz",
        ),
        idempotency_key="k",
        consent=reception_consent(),
        now=datetime(2026, 11, 30, 12, 0, tzinfo=ALMATY),
    ).booking
    return Booking.objects.get(pk=created.pk)


def staff(*groups) -> tuple[Client, User]:
    user = User.objects.create_user("-".join(groups), is_staff=True, first_name="Гульнара")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    client = Client()
    client.force_login(user)
    return client, user


def url(booking) -> str:
    return f"/en/admin/reception/booking/{booking.pk}/"


def to_appeal_form(**overrides):
    return {
        "kind": "statement",
        "category": Category.objects.get(slug="charity").pk,
        "subject": "Помощь на лечение",
        "text": "Просит помощь на операцию",
        "form_key": new_form_key(),
        **overrides,
    }


def test_reception_secretary_alone_has_no_button_and_is_refused(booking):
    client, user = staff("Reception secretary")
    page = client.get(url(booking) + "change/").content.decode()
    assert "Mark: attended" in page  # the other booking actions are there
    assert "to-appeal/" not in page
    assert client.get(url(booking) + "to-appeal/").status_code == 403
    refused = client.post(url(booking) + "to-appeal/", to_appeal_form())
    assert refused.status_code == 403
    assert Appeal.objects.count() == 0
    booking.refresh_from_db()
    assert booking.appeal_id is None
    with pytest.raises(PermissionDenied):
        services.booking_to_appeal(
            booking_id=booking.pk,
            by=user,
            kind="statement",
            category=Category.objects.get(slug="charity"),
            subject="s",
            text="t",
        )
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("groups", [("Reception secretary", "Registrar"), ("Head",)])
def test_registrar_secretary_or_head_registers_and_gets_the_talon(booking, groups):
    client, user = staff(*groups)
    page = client.get(url(booking) + "change/").content.decode()
    assert f'href="{url(booking)}to-appeal/"' in page
    response = client.post(url(booking) + "to-appeal/", to_appeal_form())
    assert response["Location"] == TALON
    appeal = Appeal.objects.get()
    booking.refresh_from_db()
    assert booking.appeal == appeal
    assert (appeal.channel, appeal.registered_by, appeal.iin) == ("reception", user, booking.iin)
    assert BookingEvent.objects.filter(booking=booking, note=appeal.number).exists()
    talon = client.get(TALON).content.decode()
    assert f'<td id="appeal-number">{appeal.number}</td>' in talon
    code = CODE.search(talon).group(1)
    assert access_codes.check_access_code(
        number=appeal.number, code=code, stored_hash=appeal.access_code_hash
    )
    # Shown from the talon's own cookie: the server keeps no copy, another browser sees nothing.
    other = Client()
    other.force_login(user)
    assert other.get(TALON)["Location"] == "/en/admin/appeals/appeal/"


def test_double_click_registers_once_and_both_answers_show_the_talon(booking):
    client, _user = staff("Reception secretary", "Registrar")
    data = to_appeal_form()
    first = client.post(url(booking) + "to-appeal/", data)
    code = CODE.search(client.get(TALON).content.decode()).group(1)
    second = client.post(url(booking) + "to-appeal/", data)
    assert first["Location"] == second["Location"] == TALON
    assert CODE.search(client.get(TALON).content.decode()).group(1) == code
    assert Appeal.objects.count() == 1
    # A new form for the same visit is refused: it is registered already.
    again = client.post(url(booking) + "to-appeal/", to_appeal_form())
    assert "This visit is already registered as an appeal." in again.content.decode()
    assert Appeal.objects.count() == 1


def test_to_appeal_form_renders_its_key_hidden(booking):
    client, _user = staff("Head")
    html = client.get(url(booking) + "to-appeal/").content.decode()
    assert re.search(r'<input type="hidden" name="form_key" value="[A-Za-z0-9_-]{32}"', html)
    assert "Form key" not in html
