"""A new access code for an applicant who lost theirs (/<lang>/charity/code/), on the
mechanism shared with appeals (pkop_portal.code_reissue)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext

from charity.models import CharityRequest, RequestEvent
from charity.services import submission
from charity.tests.factories import VALID_IIN, CharityRequestFactory
from notifications import sms
from notifications.events import EVENTS
from notifications.models import Notification
from notifications.rendering import render_message, sms_segments
from notifications.services import notification_deliver
from pkop_portal import access_codes

pytestmark = pytest.mark.django_db
PAGE = "/ru/charity/code/"
SENT = PAGE + "?sent=1"
OLD_CODE = "ABCD2345EFGH"  # the factory's code
EVENT = "charity.code_reissued"


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def charity_request():
    return CharityRequestFactory(
        email="Aigerim@Example.kz", phone="+77011234567", preferred_contact="email", language="ru"
    )


def ask(client, number, contact, **extra):
    return client.post(PAGE, {"number": number, "contact": contact}, **extra)


def opens(number, code) -> bool:
    response = Client().post("/ru/charity/track/", {"number": number, "code": code})
    return response.status_code == 302 and response["Location"].endswith(f"/{number}/")


def delivered_code(body: str) -> str:
    return re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", body).group(1)


def send_all():
    for pk in Notification.objects.values_list("pk", flat=True):
        notification_deliver(notification_id=pk)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def reissue_notes(charity_request):
    return charity_request.events.filter(kind=RequestEvent.Kind.NOTE, note="New access code sent")


def test_track_page_links_to_the_lost_code_page(client):
    html = client.get("/ru/charity/track/").content.decode()
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
def test_a_matching_contact_gets_a_new_code_by_the_contact_on_file(
    client, charity_request, contact
):
    response = ask(client, charity_request.number.lower(), contact)
    assert response["Location"] == SENT
    charity_request.refresh_from_db()
    (event,) = reissue_notes(charity_request)
    # An internal note: staff see it; the applicant's public history does not.
    assert event.kind not in RequestEvent.PUBLIC_KINDS and event.by is None
    row = Notification.objects.get(event=EVENT)
    # The request prefers e-mail: the address on file, whatever was typed.
    assert (row.channel, row.recipient_email) == ("email", "Aigerim@Example.kz")
    assert row.language == "ru"
    send_all()
    (message,) = mail.outbox
    new_code = delivered_code(message.body)
    assert charity_request.number in message.subject
    assert "/ru/charity/track/" in message.body
    assert opens(charity_request.number, new_code)
    assert not opens(charity_request.number, OLD_CODE)


def test_sms_preference_sends_the_code_by_sms(client):
    charity_request = CharityRequestFactory(email="", preferred_contact="sms", language="kk")
    assert ask(client, charity_request.number, "87011234567")["Location"] == SENT
    send_all()
    (text,) = [m.text for m in sms.outbox]
    assert charity_request.number in text
    assert opens(charity_request.number, delivered_code(text))
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("number", "contact"),
    [
        (None, "870101300008"),  # another IIN
        (None, "other@example.kz"),
        (None, "+77011234568"),
        (None, "".join(chr(ord(c) + 0xFEE0) for c in VALID_IIN)),  # full-width: not ASCII
        ("C-2026-999999", VALID_IIN),  # unknown number
        ("A-2026-000001", VALID_IIN),  # an appeal's number is not a request's
    ],
)
def test_no_match_gets_the_same_answer_and_changes_nothing(
    client, charity_request, number, contact
):
    matched_client = Client()
    matched = ask(matched_client, charity_request.number, VALID_IIN)
    charity_request.refresh_from_db()
    hash_after_match = charity_request.access_code_hash
    response = ask(client, number or charity_request.number, contact)
    assert response.status_code == matched.status_code == 302
    assert response["Location"] == matched["Location"] == SENT
    page = without_csrf(client.get(response["Location"]).content.decode())
    assert page == without_csrf(matched_client.get(matched["Location"]).content.decode())
    assert 'id="lost-code-sent"' in page
    charity_request.refresh_from_db()
    assert charity_request.access_code_hash == hash_after_match
    assert reissue_notes(charity_request).count() == 1
    assert Notification.objects.filter(event=EVENT).count() == 1


def test_a_request_without_contact_gets_the_neutral_answer_and_keeps_its_code(client):
    charity_request = CharityRequestFactory(email="", phone="", channel="paper")
    assert ask(client, charity_request.number, VALID_IIN)["Location"] == SENT
    assert opens(charity_request.number, OLD_CODE)
    assert not reissue_notes(charity_request).exists()
    assert Notification.objects.count() == 0


def test_invalid_form_is_refused_with_a_translated_error(client):
    response = client.post(PAGE, {"number": "", "contact": "x" * 300})
    html = response.content.decode()
    assert response.status_code == 400
    with translation.override("ru"):
        assert gettext("This field is required.") in html
    assert Notification.objects.count() == 0


def test_outbox_row_and_staff_pages_never_hold_the_new_code(client, charity_request):
    ask(client, charity_request.number, VALID_IIN)
    row = Notification.objects.get()
    assert set(row.context) == {"request_id", "number", "nonce"}
    head = User.objects.create_superuser("head", "head@pkop.kz", "x")
    staff = Client()
    staff.force_login(head)
    page = staff.get(f"/ru/admin/notifications/notification/{row.pk}/change/").content.decode()
    redacted = render_message(
        event=row.event, language=row.language, context=row.context, channel="email", redact=True
    )
    redacted_sms = render_message(
        event=row.event, language=row.language, context=row.context, channel="sms", redact=True
    )
    send_all()
    code = delivered_code(mail.outbox[0].body)
    row.refresh_from_db()
    plain = code.replace("-", "")
    for text in (str(row.context), row.dedupe_key, redacted.text, redacted.html, redacted_sms.sms):
        assert code not in text and plain not in text
    assert code not in page and plain not in page
    assert row.context["nonce"] not in page and row.context["nonce"] not in row.dedupe_key
    with translation.override("ru"):
        assert gettext("[access code hidden]") in redacted.text
    assert code in mail.outbox[0].alternatives[0][0]  # the HTML part holds it too
    assert set(EVENTS[EVENT].secret_context) == {"code", "nonce"}


def test_a_second_request_makes_the_first_message_void(client, charity_request):
    ask(client, charity_request.number, VALID_IIN)
    ask(client, charity_request.number, VALID_IIN)
    first, second = Notification.objects.order_by("pk")
    send_all()
    first.refresh_from_db()
    assert first.status == Notification.Status.CANCELLED  # its code no longer works: not sent
    (message,) = mail.outbox
    assert opens(charity_request.number, delivered_code(message.body))
    assert second.pk != first.pk


def test_code_sent_after_a_key_rotation_is_the_one_made_before_it(
    client, charity_request, settings
):
    old_key = settings.PORTAL_SECRETS_KEY
    ask(client, charity_request.number, VALID_IIN)
    with override_settings(PORTAL_SECRETS_KEY="n" * 50, PORTAL_SECRETS_KEY_FALLBACKS=[old_key]):
        send_all()
        code = delivered_code(mail.outbox[0].body)
        assert opens(charity_request.number, code)


def test_requests_are_limited_per_client_ip_matched_or_not(client, charity_request, settings):
    assert settings.CHARITY_CODE_RESEND_RATE == "5/h"
    for _ in range(5):
        assert ask(client, "C-2026-999999", VALID_IIN)["Location"] == SENT
    limited = ask(client, charity_request.number, VALID_IIN)
    assert limited.status_code == 429
    assert not reissue_notes(CharityRequest.objects.get()).exists()
    assert opens(charity_request.number, OLD_CODE)
    # Another client is not limited, nor are the appeals' own lost-code page's clients.
    assert (
        ask(client, charity_request.number, VALID_IIN, REMOTE_ADDR="10.1.2.3")["Location"] == SENT
    )
    appeal_page = client.post(
        "/ru/appeals/code/", {"number": "A-2026-999999", "contact": VALID_IIN}
    )
    assert appeal_page.status_code == 302


def test_the_service_derives_the_sent_code_from_the_nonce_only_while_it_is_current(
    charity_request,
):
    assert submission.request_code_reissue(request_id=charity_request.pk) is True
    nonce = Notification.objects.get().context["nonce"]
    charity_request.refresh_from_db()
    code = submission.request_reissued_code(request=charity_request, nonce=nonce)
    assert access_codes.check_access_code(
        number=charity_request.number, code=code, stored_hash=charity_request.access_code_hash
    )
    submission.request_code_reissue(request_id=charity_request.pk)
    charity_request.refresh_from_db()
    assert submission.request_reissued_code(request=charity_request, nonce=nonce) is None


def test_a_deleted_request_cancels_its_pending_message(charity_request):
    submission.request_code_reissue(request_id=charity_request.pk)
    row = Notification.objects.get()
    CharityRequest.objects.filter(pk=charity_request.pk).delete()
    notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.CANCELLED
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["kk", "ru", "en", "zh-hans"])
def test_new_code_message_renders_in_every_language_with_the_code(language):
    charity_request = CharityRequestFactory(language=language)
    submission.request_code_reissue(request_id=charity_request.pk)
    row = Notification.objects.get()
    email = render_message(event=row.event, language=language, context=row.context, channel="email")
    text = render_message(event=row.event, language=language, context=row.context, channel="sms")
    charity_request.refresh_from_db()
    for body in (email.text, email.html, text.sms):
        code = delivered_code(body)
        assert access_codes.check_access_code(
            number=charity_request.number, code=code, stored_hash=charity_request.access_code_hash
        )
    assert charity_request.number in email.subject
    assert f'<html lang="{language}">' in email.html
    assert 1 <= sms_segments(text.sms) <= 2
