import io

import pytest

from notifications import services
from notifications.models import Notification
from notifications.sms import (
    ConsoleSMSBackend,
    HttpSMSBackend,
    PermanentDeliveryError,
    SmsMessage,
    TransientDeliveryError,
)
from notifications.tests.factories import NotificationFactory
from notifications.tests.fakes import FakeSMSGateway

MESSAGE = SmsMessage(to="+77011234567", text="ПКОП: проверка", message_id="k:sms")


@pytest.fixture
def gateway(settings):
    with FakeSMSGateway() as fake:
        settings.SMS_BACKEND = "http"
        settings.SMS_GATEWAY_URL = fake.url
        settings.SMS_GATEWAY_LOGIN = "pkop"
        settings.SMS_GATEWAY_PASSWORD = "secret"
        settings.SMS_SENDER_NAME = "PKOP"
        settings.SMS_GATEWAY_FORMAT = "json"
        settings.SMS_GATEWAY_TIMEOUT = 1
        yield fake


def test_http_backend_posts_json(gateway):
    HttpSMSBackend().send(MESSAGE)
    assert gateway.requests == [
        {
            "content_type": "application/json",
            "fields": {
                "login": "pkop",
                "password": "secret",
                "sender": "PKOP",
                "phone": "+77011234567",
                "text": "ПКОП: проверка",
                "id": "k:sms",
            },
        }
    ]


def test_http_backend_posts_form(gateway, settings):
    settings.SMS_GATEWAY_FORMAT = "form"
    HttpSMSBackend().send(MESSAGE)
    assert gateway.requests[0]["content_type"] == "application/x-www-form-urlencoded"
    assert gateway.requests[0]["fields"]["text"] == "ПКОП: проверка"


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_http_backend_5xx_is_transient(gateway, status):
    gateway.status = status
    with pytest.raises(TransientDeliveryError, match=str(status)):
        HttpSMSBackend().send(MESSAGE)


@pytest.mark.parametrize("status", [400, 401, 403, 422])
def test_http_backend_4xx_is_permanent(gateway, status):
    gateway.status = status
    with pytest.raises(PermanentDeliveryError, match=str(status)):
        HttpSMSBackend().send(MESSAGE)


def test_http_backend_timeout_is_transient(gateway):
    gateway.delay = 1.5
    with pytest.raises(TransientDeliveryError, match="unreachable"):
        HttpSMSBackend().send(MESSAGE)


def test_http_backend_connection_refused_is_transient(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:1/send"
    with pytest.raises(TransientDeliveryError, match="unreachable"):
        HttpSMSBackend().send(MESSAGE)


def test_console_backend_prints_the_message():
    stream = io.StringIO()
    ConsoleSMSBackend(stream=stream).send(MESSAGE)
    assert stream.getvalue() == "SMS to +77011234567 [k:sms]: ПКОП: проверка\n"


@pytest.mark.django_db
def test_sms_row_delivered_through_gateway_then_retried_after_5xx(gateway):
    row = NotificationFactory(
        channel=Notification.Channel.SMS,
        recipient_email="",
        recipient_phone="+77011234567",
        language="kk",
        dedupe_key="k:sms",
    )
    gateway.status = 503
    failed = services.notification_deliver(notification_id=row.pk)
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert "503" in failed.last_error

    gateway.status = 200
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=failed.created_at)
    sent = services.notification_deliver(notification_id=row.pk)
    assert sent.status == "sent"
    assert [r["fields"]["id"] for r in gateway.requests] == ["k:sms", "k:sms"]
    assert gateway.requests[-1]["fields"]["phone"] == "+77011234567"


@pytest.mark.django_db
def test_sms_row_gateway_4xx_fails_at_once(gateway):
    gateway.status = 400
    row = NotificationFactory(
        channel=Notification.Channel.SMS, recipient_email="", recipient_phone="+77011234567"
    )
    row = services.notification_deliver(notification_id=row.pk)
    assert (row.status, row.attempts) == ("failed", 1)
