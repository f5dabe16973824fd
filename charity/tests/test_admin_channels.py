"""The staff buttons that make a charity request from another channel in one step: "Send to the
charity procedure" on an appeal of the charity category, "Register as a charity request" on a
visit that took place."""

from datetime import timedelta

import pytest
from django.test import Client

from appeals import enums as appeal_enums
from appeals.models import AppealEvent, Category
from appeals.tests.factories import VALID_IIN, AppealFactory, staff_user
from charity import enums
from charity.models import CharityRequest
from notifications.models import Notification
from pkop_portal import workdays
from reception.models import Booking, BookingEvent, Slot
from reception.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db
APPEALS = "/en/admin/appeals/appeal/"
BOOKINGS = "/en/admin/reception/booking/"
CHARITY = "/en/admin/charity/charityrequest/"
FORM = {
    "district": "turan",
    "category": "large_family",
    "monthly_income": "150000",
    "aid_kind": "money",
    "amount_requested": "200000",
    "aid_description": "Зимняя одежда для детей",
}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def executor():
    return staff_user("executor", "Executor")


@pytest.fixture
def appeal(executor):
    return AppealFactory(
        status=appeal_enums.Status.IN_WORK, executor=executor, phone="+77011234567"
    )


def button(html: str) -> bool:
    return "appeal-action-to_charity" in html


# ----- From an appeal ------------------------------------------------------------------------


def test_executor_sends_an_appeal_to_the_charity_procedure(appeal, executor):
    client = logged_in(executor)
    assert button(client.get(f"{APPEALS}{appeal.pk}/change/").content.decode())
    form = client.get(f"{APPEALS}{appeal.pk}/to-charity/").content.decode()
    assert "Прошу рассмотреть возможность оказания помощи." in form  # the text, pre-filled
    response = client.post(f"{APPEALS}{appeal.pk}/to-charity/", FORM)
    request = CharityRequest.objects.get()
    # An executor cannot see charity requests: back to the appeal, with the new number.
    assert response["Location"] == f"{APPEALS}{appeal.pk}/change/"
    assert (request.source_appeal, request.channel, request.iin) == (appeal, "appeal", VALID_IIN)
    assert (request.district, request.category, request.amount_requested) == (
        "turan",
        "large_family",
        200000,
    )
    appeal.refresh_from_db()
    assert appeal.status == appeal_enums.Status.REDIRECTED
    assert appeal.events.filter(kind=AppealEvent.Kind.REDIRECTED, note=request.number).exists()
    assert list(Notification.objects.values_list("event", flat=True)) == [
        "charity.created_from_channel"
    ]
    page = client.get(response["Location"]).content.decode()
    assert request.number in page
    assert not button(page)  # linked already, and no longer open


def test_head_is_taken_to_the_new_request_and_sees_the_link(appeal):
    head = staff_user("head", "Head")
    client = logged_in(head)
    response = client.post(f"{APPEALS}{appeal.pk}/to-charity/", FORM)
    request = CharityRequest.objects.get()
    assert response["Location"] == f"{CHARITY}{request.pk}/change/"
    page = client.get(f"{APPEALS}{appeal.pk}/change/").content.decode()
    assert f'href="{CHARITY}{request.pk}/change/" class="appeal-charity-request"' in page


def test_money_asked_needs_its_amount_and_nothing_is_made(appeal, executor):
    response = logged_in(executor).post(
        f"{APPEALS}{appeal.pk}/to-charity/", {**FORM, "amount_requested": ""}
    )
    assert response.status_code == 200
    assert "amount_requested" in response.context["form"].errors
    assert not CharityRequest.objects.exists()
    appeal.refresh_from_db()
    assert appeal.status == appeal_enums.Status.IN_WORK


def test_service_refusal_is_shown_and_nothing_changes(executor):
    appeal = AppealFactory(
        status=appeal_enums.Status.IN_WORK,
        executor=executor,
        channel=appeal_enums.Channel.BOX,
        email="",
        phone="",
    )
    response = logged_in(executor).post(f"{APPEALS}{appeal.pk}/to-charity/", FORM)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not CharityRequest.objects.exists()
    assert not Notification.objects.exists()
    appeal.refresh_from_db()
    assert appeal.status == appeal_enums.Status.IN_WORK


def test_no_button_on_another_category_or_for_another_executor(appeal, executor):
    other_category = AppealFactory(
        status=appeal_enums.Status.IN_WORK,
        executor=executor,
        category=Category.objects.exclude(slug="charity").first(),
    )
    client = logged_in(executor)
    assert not button(client.get(f"{APPEALS}{other_category.pk}/change/").content.decode())
    assert client.post(f"{APPEALS}{other_category.pk}/to-charity/", FORM).status_code == 403
    colleague = staff_user("colleague", "Executor")
    # Not their appeal: they do not even see it.
    assert logged_in(colleague).post(f"{APPEALS}{appeal.pk}/to-charity/", FORM).status_code == 404
    analyst = logged_in(staff_user("analyst", "Analyst"))
    assert not button(analyst.get(f"{APPEALS}{appeal.pk}/change/").content.decode())
    assert analyst.post(f"{APPEALS}{appeal.pk}/to-charity/", FORM).status_code == 403
    assert not CharityRequest.objects.exists()


def test_an_answered_appeal_has_no_button(executor):
    answered = AppealFactory(status=appeal_enums.Status.ANSWERED, executor=executor)
    client = logged_in(executor)
    assert not button(client.get(f"{APPEALS}{answered.pk}/change/").content.decode())
    assert client.get(f"{APPEALS}{answered.pk}/to-charity/").status_code == 403


# ----- From a reception visit ----------------------------------------------------------------


def visit(status=Booking.Status.ATTENDED, **kwargs) -> Booking:
    manager = ManagerFactory()
    starts = workdays.local_now() - timedelta(days=1)
    slot = Slot.objects.create(
        manager=manager, starts_at=starts, ends_at=starts + timedelta(minutes=20)
    )
    values = {
        "number": f"R-{slot.pk:08d}",
        "slot": slot,
        "manager": manager,
        "seat": 1,
        "status": status,
        "is_active": False,
        "full_name": "Ерлан Жумабеков",
        "iin": VALID_IIN,
        "phone": "+77017654321",
        "email": "",
        "language": "kk",
        "topic": "Помощь",
        "description": "Нужна помощь с лечением ребёнка",
        "visit_summary": "Просит оплатить операцию",
        "token_nonce": "n" * 32,
        "token_hash": f"{slot.pk:064d}",
        "idempotency_key": f"key-{slot.pk}",
    }
    return Booking.objects.create(**{**values, **kwargs})


BOOKING_FORM = {
    "district": "abay",
    "address": "Шымкент, мкр. Нурсат, 5",
    "category": "serious_illness",
    "monthly_income": "90000",
    "aid_kind": "medical",
    "amount_requested": "",
    "aid_description": "Оплата операции",
}


def test_secretary_registers_a_visit_as_a_charity_request():
    secretary = staff_user("secretary", "Reception secretary")
    booking = visit()
    client = logged_in(secretary)
    page = client.get(f"{BOOKINGS}{booking.pk}/change/").content.decode()
    assert f'href="{BOOKINGS}{booking.pk}/to-charity/"' in page
    form = client.get(f"{BOOKINGS}{booking.pk}/to-charity/").content.decode()
    assert "Просит оплатить операцию" in form
    response = client.post(f"{BOOKINGS}{booking.pk}/to-charity/", BOOKING_FORM)
    assert response["Location"] == f"{BOOKINGS}{booking.pk}/change/"
    request = CharityRequest.objects.get()
    assert (request.source_booking, request.channel, request.address) == (
        booking,
        enums.Channel.RECEPTION,
        "Шымкент, мкр. Нурсат, 5",
    )
    assert (request.language, request.aid_description) == ("kk", "Оплата операции")
    history = BookingEvent.objects.get(booking=booking)
    assert history.note == f"charity: {request.number}"
    assert [(n.event, n.channel) for n in Notification.objects.all()] == [
        ("charity.created_from_channel", "sms")
    ]
    page = client.get(f"{BOOKINGS}{booking.pk}/change/").content.decode()
    assert f'href="{BOOKINGS}{booking.pk}/to-charity/"' not in page
    assert client.post(f"{BOOKINGS}{booking.pk}/to-charity/", BOOKING_FORM).status_code == 403
    assert CharityRequest.objects.count() == 1


def test_a_visit_that_did_not_take_place_has_no_button():
    client = logged_in(staff_user("secretary", "Reception secretary"))
    booking = visit(status=Booking.Status.NO_SHOW)
    page = client.get(f"{BOOKINGS}{booking.pk}/change/").content.decode()
    assert f'href="{BOOKINGS}{booking.pk}/to-charity/"' not in page
    assert client.post(f"{BOOKINGS}{booking.pk}/to-charity/", BOOKING_FORM).status_code == 403
    assert not CharityRequest.objects.exists()


def test_a_visit_needs_an_address_and_a_head_cannot_register_it():
    secretary = logged_in(staff_user("secretary", "Reception secretary"))
    booking = visit()
    response = secretary.post(
        f"{BOOKINGS}{booking.pk}/to-charity/", {**BOOKING_FORM, "address": ""}
    )
    assert response.status_code == 200
    assert "address" in response.context["form"].errors
    head = logged_in(staff_user("head", "Head"))  # sees bookings, does not log visits
    assert (
        f"{booking.pk}/to-charity/"
        not in head.get(f"{BOOKINGS}{booking.pk}/change/").content.decode()
    )
    assert head.post(f"{BOOKINGS}{booking.pk}/to-charity/", BOOKING_FORM).status_code == 403
    assert not CharityRequest.objects.exists()
