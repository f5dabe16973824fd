"""A new access code for a citizen who lost theirs (the lost-code page)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext

from appeals import services
from appeals.models import Appeal, AppealEvent
from appeals.tests.factories import VALID_IIN, AppealFactory
from notifications import sms
from notifications.models import Notification
from notifications.rendering import render_message, sms_segments
from notifications.services import notification_deliver
from pkop_portal import access_codes

pytestmark = pytest.mark.django_db
PAGE = "/ru/appeals/code/"
SENT = PAGE + "?sent=1"
OLD_CODE = "ABCD2345EFGH"  # the factory's code


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def appeal():
    return AppealFactory(
        email="Aigerim@Example.kz", phone="+77011234567", preferred_contact="email", language="ru"
    )


def ask(client, number, contact, **extra):
    return client.post(PAGE, {"number": number, "contact": contact}, **extra)


def opens(number, code) -> bool:
    response = Client().post("/ru/appeals/track/", {"number": number, "code": code})
    return response.status_code == 302 and response["Location"].endswith(f"/{number}/")


def delivered_code(body: str) -> str:
    return re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", body).group(1)


def send_all():
    for pk in Notification.objects.values_list("pk", flat=True):
        notification_deliver(notification_id=pk)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_track_page_links_to_the_lost_code_page(client):
    html = client.get("/ru/appeals/track/").content.decode()
    assert f'href="{PAGE}" id="lost-code-link"' in html


@pytest.mark.parametrize(
    "contact",
    [
        VALID_IIN,
        f" {VALID_IIN[:6]} {VALID_IIN[6:]} ",
        "aigerim@example.KZ",
        "8 701 123 45 67",
        "+7 (701) 123-45-67",
    ],
)
def test_a_matching_contact_gets_a_new_code_by_the_contact_on_file(client, appeal, contact):
    response = ask(client, appeal.number.lower(), contact)
    assert response["Location"] == SENT
    appeal.refresh_from_db()
    event = appeal.events.get(kind=AppealEvent.Kind.CODE_REISSUED)
    assert event.kind in AppealEvent.PUBLIC_KINDS
    row = Notification.objects.get(event="appeal.code_reissued")
    # The appeal prefers e-mail: the address on file, whatever was typed.
    assert (row.channel, row.recipient_email) == ("email", "Aigerim@Example.kz")
    send_all()
    (message,) = mail.outbox
    new_code = delivered_code(message.body)
    assert appeal.number in message.subject
    assert opens(appeal.number, new_code)
    assert not opens(appeal.number, OLD_CODE)


def test_sms_preference_sends_the_code_by_sms(client):
    appeal = AppealFactory(email="", phone="+77011234567", preferred_contact="sms")
    assert ask(client, appeal.number, "87011234567")["Location"] == SENT
    send_all()
    (text,) = [m.text for m in sms.outbox]
    assert appeal.number in text
    assert opens(appeal.number, delivered_code(text))
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("number", "contact"),
    [
        (None, "870101300008"),  # another IIN
        (None, "other@example.kz"),
        (None, "+77011234568"),
        (None, "٨٧٠١٠١٣٠٠٠٠٩"),  # the IIN in Arabic-Indic digits: not ASCII
        (None, "".join(chr(ord(c) + 0xFEE0) for c in VALID_IIN)),  # full-width: not ASCII
        ("A-2026-999999", VALID_IIN),  # unknown number
    ],
)
def test_no_match_gets_the_same_answer_and_changes_nothing(client, appeal, number, contact):
    matched_client = Client()
    matched = ask(matched_client, appeal.number, VALID_IIN)
    appeal.refresh_from_db()
    hash_after_match = appeal.access_code_hash
    response = ask(client, number or appeal.number, contact)
    assert response.status_code == matched.status_code == 302
    assert response["Location"] == matched["Location"] == SENT
    page = without_csrf(client.get(response["Location"]).content.decode())
    assert page == without_csrf(matched_client.get(matched["Location"]).content.decode())
    assert 'id="lost-code-sent"' in page
    appeal.refresh_from_db()
    assert appeal.access_code_hash == hash_after_match
    assert appeal.events.filter(kind=AppealEvent.Kind.CODE_REISSUED).count() == 1
    assert Notification.objects.filter(event="appeal.code_reissued").count() == 1


def test_appeal_without_contact_gets_the_neutral_answer_and_keeps_its_code(client):
    appeal = AppealFactory(email="", phone="", iin=VALID_IIN, channel="box")
    assert ask(client, appeal.number, VALID_IIN)["Location"] == SENT
    appeal.refresh_from_db()
    assert opens(appeal.number, OLD_CODE)
    assert not appeal.events.filter(kind=AppealEvent.Kind.CODE_REISSUED).exists()
    assert Notification.objects.count() == 0


def test_anonymous_appeal_without_contact_gets_the_neutral_answer(client):
    appeal = AppealFactory(
        email="", phone="", iin="", full_name="", is_anonymous=True, channel="box"
    )
    assert ask(client, appeal.number, VALID_IIN)["Location"] == SENT
    assert Notification.objects.count() == 0


def test_invalid_form_is_refused_with_a_translated_error(client):
    response = client.post(PAGE, {"number": "", "contact": "x" * 300})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Обязательное поле." in html
    assert Notification.objects.count() == 0


def test_outbox_row_and_staff_pages_never_hold_the_new_code(client, appeal):
    ask(client, appeal.number, VALID_IIN)
    row = Notification.objects.get()
    head = User.objects.create_superuser("head", "head@pkop.kz", "x")
    staff = Client()
    staff.force_login(head)
    page = staff.get(f"/ru/admin/notifications/notification/{row.pk}/change/").content.decode()
    redacted = render_message(
        event=row.event, language=row.language, context=row.context, channel="email", redact=True
    )
    send_all()
    code = delivered_code(mail.outbox[0].body)
    row.refresh_from_db()
    plain = code.replace("-", "")
    for text in (str(row.context), row.dedupe_key, redacted.text, redacted.html, page):
        assert code not in text and plain not in text
    assert row.context["nonce"] not in page and row.context["nonce"] not in row.dedupe_key
    with translation.override("ru"):
        assert gettext("[access code hidden]") in redacted.text
    assert code in mail.outbox[0].alternatives[0][0]  # the HTML part holds it too


def test_a_second_request_makes_the_first_message_void(client, appeal):
    ask(client, appeal.number, VALID_IIN)
    ask(client, appeal.number, VALID_IIN)
    first, second = Notification.objects.order_by("pk")
    send_all()
    first.refresh_from_db()
    assert first.status == Notification.Status.CANCELLED  # its code no longer works: not sent
    (message,) = mail.outbox
    assert opens(appeal.number, delivered_code(message.body))
    assert second.pk != first.pk


def test_code_sent_after_a_key_rotation_is_the_one_made_before_it(client, appeal, settings):
    old_key = settings.PORTAL_SECRETS_KEY
    ask(client, appeal.number, VALID_IIN)
    with override_settings(PORTAL_SECRETS_KEY="n" * 50, PORTAL_SECRETS_KEY_FALLBACKS=[old_key]):
        send_all()
        code = delivered_code(mail.outbox[0].body)
        assert opens(appeal.number, code)
    with override_settings(PORTAL_SECRETS_KEY="n" * 50, PORTAL_SECRETS_KEY_FALLBACKS=[]):
        assert not opens(appeal.number, code)


def test_requests_are_limited_per_client_ip(client, appeal, settings):
    assert settings.APPEALS_CODE_RESEND_RATE == "5/h"
    for _ in range(5):
        assert ask(client, "A-2026-999999", VALID_IIN)["Location"] == SENT
    limited = ask(client, appeal.number, VALID_IIN)
    assert limited.status_code == 429
    assert not Appeal.objects.get().events.filter(kind=AppealEvent.Kind.CODE_REISSUED).exists()
    # Another client is not limited.
    assert ask(client, appeal.number, VALID_IIN, REMOTE_ADDR="10.1.2.3")["Location"] == SENT


def test_the_service_derives_the_sent_code_from_the_nonce_only_while_it_is_current(appeal):
    assert services.appeal_code_reissue(appeal_id=appeal.pk) is True
    nonce = Notification.objects.get().context["nonce"]
    appeal.refresh_from_db()
    code = services.reissued_code(appeal=appeal, nonce=nonce)
    assert access_codes.check_access_code(
        number=appeal.number, code=code, stored_hash=appeal.access_code_hash
    )
    services.appeal_code_reissue(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert services.reissued_code(appeal=appeal, nonce=nonce) is None


@pytest.mark.parametrize("language", ["kk", "ru", "en", "zh-hans"])
def test_new_code_message_renders_in_every_language_with_the_code(language):
    appeal = AppealFactory(language=language, phone="+77011234567")
    services.appeal_code_reissue(appeal_id=appeal.pk)
    row = Notification.objects.get()
    email = render_message(event=row.event, language=language, context=row.context, channel="email")
    text = render_message(event=row.event, language=language, context=row.context, channel="sms")
    appeal.refresh_from_db()
    for body in (email.text, email.html, text.sms):
        code = delivered_code(body)
        assert access_codes.check_access_code(
            number=appeal.number, code=code, stored_hash=appeal.access_code_hash
        )
    assert appeal.number in email.subject
    assert f'<html lang="{language}">' in email.html
    assert 1 <= sms_segments(text.sms) <= 2
