"""Requests made in one step from an appeal or a reception visit: linked both ways, the source's
history, one message with the number and a working access code that no stored row holds."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from appeals import enums as appeal_enums
from appeals.models import AppealEvent, Category
from appeals.tests.factories import AppealFactory, staff_user
from charity import enums
from charity.models import CharityRequest, RequestEvent
from charity.services import channels
from charity.tests.factories import VALID_IIN
from notifications.events import redacted_context
from notifications.models import Notification
from notifications.rendering import render_message
from pkop_portal import access_codes, workdays
from reception.models import Booking, BookingEvent, Slot
from reception.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}\b")


@pytest.fixture
def executor():
    return staff_user("executor", "Executor")


@pytest.fixture
def appeal(executor):
    return AppealFactory(
        status=appeal_enums.Status.IN_WORK,
        executor=executor,
        phone="+77011234567",
        preferred_contact="both",
        language="kk",
    )


def from_appeal(appeal, by, **kwargs):
    values = {
        "district": enums.District.TURAN,
        "category": enums.Category.LARGE_FAMILY,
        "monthly_income": Decimal("150000"),
        "aid_kind": enums.AidKind.MONEY,
        "amount_requested": Decimal("200000"),
    }
    return channels.request_from_appeal(appeal_id=appeal.pk, by=by, **{**values, **kwargs})


def refused(code, call):
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.code == code


def sent_code(row) -> str:
    message = render_message(
        event=row.event, language=row.language, context=row.context, channel=row.channel
    )
    body = message.sms if row.channel == "sms" else message.text
    return CODE.search(body).group(0)


def test_appeal_becomes_a_linked_request_and_is_redirected(
    appeal, executor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = from_appeal(appeal, executor).request
    assert (request.source_appeal, appeal.charity_request) == (appeal, request)
    assert (request.channel, request.registered_by, request.language) == ("appeal", executor, "kk")
    assert (request.full_name, request.iin, request.email, request.address) == (
        appeal.full_name,
        appeal.iin,
        appeal.email,
        appeal.address,
    )
    assert (request.aid_description, request.district, request.amount_requested) == (
        appeal.text,
        "turan",
        Decimal("200000"),
    )
    assert request.received_at == appeal.received_at
    assert re.fullmatch(r"C-\d{4}-\d{6}", request.number)
    kinds = list(request.events.values_list("kind", "new_value"))
    assert ("submitted", request.number) in kinds and ("linked", appeal.number) in kinds
    assert request.flags_checked_at is not None

    appeal.refresh_from_db()
    assert appeal.status == appeal_enums.Status.REDIRECTED
    assert request.number in appeal.redirected_to
    event = appeal.events.get()
    assert (event.kind, event.by, event.note) == (
        AppealEvent.Kind.REDIRECTED,
        executor,
        request.number,
    )

    # One message, by both channels the applicant chose; no "appeal.redirected", no
    # "charity.submitted".
    rows = list(Notification.objects.order_by("channel"))
    assert [(r.event, r.channel) for r in rows] == [
        ("charity.created_from_channel", "email"),
        ("charity.created_from_channel", "sms"),
    ]
    for row in rows:
        assert set(row.context) == {"number", "request_id", "nonce", "source"}
        code = sent_code(row)
        assert code.replace("-", "") not in str(row.context)
        assert access_codes.check_access_code(
            number=request.number, code=code, stored_hash=request.access_code_hash
        )
        staff_view = render_message(
            event=row.event,
            language=row.language,
            context=row.context,
            channel=row.channel,
            redact=True,
        )
        assert code not in staff_view.text + staff_view.sms
        assert redacted_context(row.event, row.context)["nonce"] != row.context["nonce"]
    [email] = mail.outbox
    assert CODE.search(email.body) and request.number in email.subject


def test_code_is_not_resent_once_it_is_replaced(appeal, executor):
    request = from_appeal(appeal, executor).request
    row = Notification.objects.filter(channel="email").get()
    request.access_code_hash = access_codes.hash_access_code(
        number=request.number, code="ZZZZ2222ZZZZ"
    )
    request.save()
    from notifications.events import SkipDelivery

    with pytest.raises(SkipDelivery):
        render_message(event=row.event, language="kk", context=row.context, channel="email")


def test_appeal_refusals(appeal, executor):
    with pytest.raises(PermissionDenied):
        from_appeal(appeal, staff_user("other", "Executor"))
    other_category = AppealFactory(
        executor=executor,
        status=appeal_enums.Status.IN_WORK,
        category=Category.objects.exclude(slug="charity").first(),
    )
    refused("not_charity", lambda: from_appeal(other_category, executor))
    answered = AppealFactory(executor=executor, status=appeal_enums.Status.ANSWERED)
    refused("not_open", lambda: from_appeal(answered, executor))
    no_iin = AppealFactory(executor=executor, status=appeal_enums.Status.IN_WORK, iin="")
    refused("no_iin", lambda: from_appeal(no_iin, executor))
    no_contact = AppealFactory(
        executor=executor,
        status=appeal_enums.Status.IN_WORK,
        channel=appeal_enums.Channel.POST,
        email="",
        phone="",
    )
    refused("no_contact", lambda: from_appeal(no_contact, executor))
    refused("amount_required", lambda: from_appeal(appeal, executor, amount_requested=None))
    assert CharityRequest.objects.count() == 0
    assert Notification.objects.count() == 0
    assert AppealEvent.objects.count() == 0
    from_appeal(appeal, executor)
    refused("already_linked", lambda: from_appeal(appeal, executor))
    assert CharityRequest.objects.count() == 1


def test_a_head_may_convert_any_appeal(appeal):
    request = from_appeal(
        appeal, staff_user("head", "Head"), aid_description="Ремонт крыши"
    ).request
    assert request.aid_description == "Ремонт крыши"


# --- reception ----------------------------------------------------------------------------


@pytest.fixture
def secretary():
    return staff_user("secretary", "Reception secretary")


def visit(status=Booking.Status.ATTENDED, **kwargs):
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
        "language": "ru",
        "topic": "Помощь",
        "description": "Нужна помощь с лечением ребёнка",
        "visit_summary": "Просит оплатить операцию",
        "token_nonce": "n" * 32,
        "token_hash": f"{slot.pk:064d}",
        "idempotency_key": f"key-{slot.pk}",
    }
    return Booking.objects.create(**{**values, **kwargs})


def from_booking(booking, by, **kwargs):
    values = {
        "district": enums.District.ABAY,
        "category": enums.Category.SERIOUS_ILLNESS,
        "monthly_income": Decimal("90000"),
        "aid_kind": enums.AidKind.MEDICAL,
        "address": "Шымкент, мкр. Нурсат, 5",
    }
    return channels.request_from_booking(booking_id=booking.pk, by=by, **{**values, **kwargs})


def test_visit_becomes_a_linked_request_with_the_code_by_sms(secretary):
    booking = visit()
    request = from_booking(booking, secretary).request
    assert (request.source_booking, booking.charity_request) == (booking, request)
    assert (request.channel, request.preferred_contact, request.aid_description) == (
        "reception",
        "sms",
        "Просит оплатить операцию",
    )
    assert request.received_at == booking.slot.starts_at
    assert request.events.filter(kind=RequestEvent.Kind.LINKED, new_value=booking.number).exists()
    history = BookingEvent.objects.get(booking=booking)
    assert (history.by, history.note) == (secretary, f"charity: {request.number}")
    [row] = Notification.objects.all()
    assert (row.event, row.channel, row.context["source"]) == (
        "charity.created_from_channel",
        "sms",
        "reception",
    )
    code = sent_code(row)
    assert access_codes.check_access_code(
        number=request.number, code=code, stored_hash=request.access_code_hash
    )


def test_visit_refusals(secretary):
    with pytest.raises(PermissionDenied):
        from_booking(visit(), staff_user("officer", "Charity officer"))
    refused("not_attended", lambda: from_booking(visit(status=Booking.Status.NO_SHOW), secretary))
    refused(
        "no_description",
        lambda: from_booking(visit(description="", visit_summary=""), secretary),
    )
    assert CharityRequest.objects.count() == 0
    booking = visit()
    from_booking(booking, secretary)
    refused("already_linked", lambda: from_booking(booking, secretary))


def test_visit_without_phone_or_email_is_refused_like_an_appeal(secretary):
    refused("no_contact", lambda: from_booking(visit(phone="", email=""), secretary))
    assert CharityRequest.objects.count() == 0
    assert Notification.objects.count() == 0
    # One way to reach the applicant is enough: here the e-mail.
    request = from_booking(visit(phone="", email="erlan@example.kz"), secretary).request
    assert (request.email, request.preferred_contact) == ("erlan@example.kz", "email")
