import hashlib
import logging
import re
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.services import Preference, Recipient, notify
from notifications.tests.factories import NotificationFactory
from notifications.tests.fakes import FakeSMSGateway, FakeSMTPServer, RaisingSMSBackend
from pkop_portal.models import HotlineLine

pytestmark = pytest.mark.django_db

CITIZEN = Recipient(email="aigerim@example.kz", phone="+77011234567", prefers=Preference.EMAIL)


def send_test(to=CITIZEN, key="k1", language="ru", about=None):
    return notify(
        event="portal.test",
        to=to,
        language=language,
        context={"requested_by": "Registrar"},
        dedupe_key=key,
        about=about,
    )


def test_notify_writes_row_and_delivers_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        rows = send_test()
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    row = Notification.objects.get()
    assert [r.pk for r in rows] == [row.pk]
    assert (row.channel, row.status, row.attempts) == ("email", "sent", 1)
    assert row.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aigerim@example.kz"]
    assert mail.outbox[0].subject == "Тестовое сообщение с Портала для граждан ПКОП"


def test_notify_in_rolled_back_transaction_leaves_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_test()
        raise RuntimeError("the appeal failed to save")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_dedupe_key_creates_one_message_per_channel(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_test(key="appeal.registered:7")
        second = send_test(key="appeal.registered:7")
    assert [r.pk for r in first] == [r.pk for r in second]
    assert Notification.objects.get().dedupe_key == "appeal.registered:7:email"
    assert len(mail.outbox) == 1


def test_preference_both_creates_email_and_sms(django_capture_on_commit_callbacks, sms_outbox):
    to = Recipient(email="a@example.kz", phone="87011234567", prefers=Preference.BOTH)
    with django_capture_on_commit_callbacks(execute=True):
        rows = send_test(to=to)
    assert sorted(r.channel for r in rows) == ["email", "sms"]
    assert len(mail.outbox) == 1
    assert [m.to for m in sms_outbox] == ["+77011234567"]
    assert sms_outbox[0].text == "ПКОП: тестовое сообщение, действий не требуется."


def test_preference_sms_without_phone_falls_back_to_email(django_capture_on_commit_callbacks):
    to = Recipient(email="a@example.kz", prefers=Preference.SMS)
    with django_capture_on_commit_callbacks(execute=True):
        rows = send_test(to=to)
    assert [r.channel for r in rows] == ["email"]


def test_event_can_force_a_channel(monkeypatch, django_capture_on_commit_callbacks, sms_outbox):
    from notifications import events

    spec = events.EventSpec(key="portal.test", force_channels=("sms",), required_context=())
    monkeypatch.setitem(events.EVENTS, "portal.test", spec)
    with django_capture_on_commit_callbacks(execute=True):
        rows = send_test(to=Recipient(email="a@example.kz", phone="+77011234567"))
    assert [r.channel for r in rows] == ["sms"]
    assert mail.outbox == []
    assert len(sms_outbox) == 1


def test_notify_rejects_unknown_event_language_and_missing_address():
    with pytest.raises(KeyError):
        notify(event="no.such", to=CITIZEN, language="ru", context={}, dedupe_key="x")
    with pytest.raises(ValueError):
        send_test(language="de")
    with pytest.raises(ValueError):
        send_test(to=Recipient())
    assert Notification.objects.count() == 0


def test_notify_links_the_row_to_its_object(django_capture_on_commit_callbacks):
    line = HotlineLine.objects.get(language="kk")
    with django_capture_on_commit_callbacks(execute=True):
        row = send_test(about=line)[0]
    row.refresh_from_db()
    assert row.about == line


def test_deliver_twice_sends_once():
    row = NotificationFactory()
    services.notification_deliver(notification_id=row.pk)
    services.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1


def test_deliver_skips_rows_not_due_cancelled_or_missing():
    later = NotificationFactory(next_attempt_at=timezone.now() + timedelta(minutes=5))
    cancelled = NotificationFactory(status=Notification.Status.CANCELLED)
    services.notification_deliver(notification_id=later.pk)
    services.notification_deliver(notification_id=cancelled.pk)
    assert services.notification_deliver(notification_id=999999) is None
    later.refresh_from_db()
    assert (later.status, later.attempts) == ("pending", 0)
    assert mail.outbox == []


@pytest.fixture
def smtp(settings):
    with FakeSMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_TIMEOUT = 5
        yield server


def test_deliver_over_real_smtp_sends_multipart_message(smtp):
    row = NotificationFactory(recipient_email="dana@example.kz", language="zh-hans")
    services.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == "sent"
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["to"] == ["dana@example.kz"]
    assert "multipart/alternative" in smtp.messages[0]["data"]
    assert "text/html" in smtp.messages[0]["data"]


def test_smtp_4xx_is_retried_with_exponential_backoff(smtp, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    smtp.rcpt_code = 451
    row = NotificationFactory()
    before = timezone.now()
    first = services.notification_deliver(notification_id=row.pk)
    assert (first.status, first.attempts) == ("pending", 1)
    assert "451" in first.last_error
    assert timedelta(seconds=30) <= first.next_attempt_at - before <= timedelta(seconds=34)

    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    second = services.notification_deliver(notification_id=row.pk)
    assert second.attempts == 2
    assert timedelta(seconds=60) <= second.retry_in <= timedelta(seconds=66)

    smtp.rcpt_code = 250
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    third = services.notification_deliver(notification_id=row.pk)
    assert (third.status, third.attempts, third.last_error) == ("sent", 3, "")
    assert len(smtp.messages) == 1


def test_transient_error_fails_after_the_attempt_limit(smtp, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    smtp.data_code = 421
    row = NotificationFactory()
    for _ in range(3):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        services.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert "421" in row.last_error


def test_smtp_5xx_fails_at_once(smtp):
    smtp.rcpt_code = 550
    row = services.notification_deliver(notification_id=NotificationFactory().pk)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in row.last_error


def test_smtp_connection_refused_is_transient(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    row = services.notification_deliver(notification_id=NotificationFactory().pk)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in row.last_error


def test_template_error_fails_with_reason_kept():
    row = NotificationFactory(context={})  # portal.test needs requested_by
    row = services.notification_deliver(notification_id=row.pk)
    assert row.status == "failed"
    assert "requested_by" in row.last_error


def test_retry_makes_failed_row_pending_and_delivers(django_capture_on_commit_callbacks):
    head = User.objects.create_user("head", is_staff=True)
    head.groups.add(Group.objects.get(name="Head"))
    row = NotificationFactory(status=Notification.Status.FAILED, attempts=8, last_error="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_retry(notification_id=row.pk, by=head)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1


def test_retry_and_cancel_refuse_sent_and_sending_rows():
    sent = NotificationFactory(status=Notification.Status.SENT)
    sending = NotificationFactory(status=Notification.Status.SENDING)
    with pytest.raises(ValidationError) as exc:
        services.notification_retry(notification_id=sent.pk)
    assert exc.value.code == "already_sent"
    with pytest.raises(ValidationError) as exc:
        services.notification_cancel(notification_id=sending.pk)
    assert exc.value.code == "sending"


def test_retry_and_cancel_need_change_permission():
    clerk = User.objects.create_user("clerk", is_staff=True)
    clerk.groups.add(Group.objects.get(name="Registrar"))
    row = NotificationFactory(status=Notification.Status.FAILED)
    with pytest.raises(PermissionDenied):
        services.notification_cancel(notification_id=row.pk, by=clerk)
    row.refresh_from_db()
    assert row.status == "failed"


def test_cancelled_row_is_never_sent():
    row = NotificationFactory()
    services.notification_cancel(notification_id=row.pk)
    services.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert mail.outbox == []


def test_flush_queues_due_rows_and_revives_stuck_sending(settings):
    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 60
    old = timezone.now() - timedelta(minutes=5)
    due = NotificationFactory(next_attempt_at=old)
    fresh = NotificationFactory()  # has its own task; the flush leaves it alone
    stuck = NotificationFactory(status=Notification.Status.SENDING, attempts=1)
    Notification.objects.filter(pk=stuck.pk).update(updated_at=old - timedelta(hours=1))
    queued = services.outbox_flush()
    assert queued == 2
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "sent", fresh.pk: "pending", stuck.pk: "sent"}
    assert len(mail.outbox) == 2
    assert services.outbox_flush() == 0


def sending_since(seconds: float) -> Notification:
    """A row a worker marked "sending" `seconds` ago and never finished (it was killed)."""
    row = NotificationFactory(status=Notification.Status.SENDING, attempts=1)
    Notification.objects.filter(pk=row.pk).update(
        updated_at=timezone.now() - timedelta(seconds=seconds)
    )
    return row


def test_row_left_sending_for_121_s_is_requeued_by_the_flush_and_sent_once():
    row = sending_since(121)
    assert services.outbox_flush() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert [m.to for m in mail.outbox] == [[row.recipient_email]]
    assert services.outbox_flush() == 0
    assert len(mail.outbox) == 1


def test_row_sending_for_30_s_is_left_alone():
    row = sending_since(30)
    assert services.outbox_flush() == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sending", 1)
    assert mail.outbox == []


@pytest.mark.parametrize(("offset", "revived"), [(-1, False), (1, True)])
def test_a_sending_row_is_revived_only_after_the_sending_timeout(settings, offset, revived):
    row = sending_since(settings.NOTIFICATIONS_SENDING_TIMEOUT + offset)
    assert services.outbox_flush() == (1 if revived else 0)
    row.refresh_from_db()
    assert row.status == ("sent" if revived else "sending")
    assert len(mail.outbox) == (1 if revived else 0)


MESSAGE_ID = re.compile(r"<notification-(\d+)\.[0-9a-f]{12}@pkop\.kz>")


def test_a_repeat_after_a_crash_has_the_same_message_id_and_another_row_another(settings):
    settings.DEFAULT_FROM_EMAIL = "PKOP Citizen Portal <noreply@pkop.kz>"
    first, other = NotificationFactory(), NotificationFactory()
    services.notification_deliver(notification_id=first.pk)
    # The worker died after the SMTP server took the message, before the row was marked sent.
    Notification.objects.filter(pk=first.pk).update(
        status=Notification.Status.SENDING, updated_at=timezone.now() - timedelta(seconds=121)
    )
    assert services.outbox_flush() == 1
    services.notification_deliver(notification_id=other.pk)

    ids = [m.message()["Message-ID"] for m in mail.outbox]
    assert [m.to[0] for m in mail.outbox] == [first.recipient_email] * 2 + [other.recipient_email]
    assert ids[0] == ids[1] == services.message_id_for(first)
    assert ids[2] == services.message_id_for(other) != ids[0]
    assert [MESSAGE_ID.fullmatch(i).group(1) for i in ids] == [str(first.pk)] * 2 + [str(other.pk)]


def test_message_id_domain_falls_back_to_the_portal_host(settings):
    settings.DEFAULT_FROM_EMAIL = "noreply"
    row = NotificationFactory(dedupe_key="appeal.registered:7:email")
    assert services.message_id_for(row) == (
        f"<notification-{row.pk}.{hashlib.sha256(b'appeal.registered:7:email').hexdigest()[:12]}"
        "@appeals.example.kz>"
    )


def test_message_id_goes_over_real_smtp(smtp):
    row = NotificationFactory()
    services.notification_deliver(notification_id=row.pk)
    assert f"Message-ID: {services.message_id_for(row)}" in smtp.messages[0]["data"]


def test_refused_address_is_masked_in_last_error_and_logs(smtp, caplog):
    smtp.rcpt_code = 550
    row = NotificationFactory(recipient_email="aigerim.sadykova@example.kz")
    with caplog.at_level(logging.WARNING, logger="notifications"):
        row = services.notification_deliver(notification_id=row.pk)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == (
        "SMTPRecipientsRefused: {'a**************a@example.kz': (550, "
        "b'<a**************a@example.kz>: Recipient address rejected, try later')}"
    )
    assert f"notification {row.pk}: failed (SMTPRecipientsRefused" in caplog.text
    assert "aigerim.sadykova" not in caplog.text


def test_number_echoed_by_the_sms_gateway_is_masked_in_last_error_and_logs(settings, caplog):
    with FakeSMSGateway() as gateway:
        settings.SMS_BACKEND, settings.SMS_GATEWAY_URL = "http", gateway.url
        gateway.status, gateway.body = 400, '{"error": "{phone} is blacklisted"}'
        row = NotificationFactory(
            channel=Notification.Channel.SMS, recipient_email="", recipient_phone="+77011234567"
        )
        with caplog.at_level(logging.WARNING, logger="notifications"):
            row = services.notification_deliver(notification_id=row.pk)
    assert gateway.requests[0]["fields"]["phone"] == "+77011234567"
    assert row.status == "failed"
    assert row.last_error == 'gateway 400: {"error": "+7701*****67 is blacklisted"}'
    assert "+7701*****67 is blacklisted" in caplog.text
    assert "7011234567" not in caplog.text


def test_an_unexpected_error_is_logged_with_its_traceback_masked(settings, caplog, monkeypatch):
    settings.SMS_BACKEND = "notifications.tests.fakes.RaisingSMSBackend"
    monkeypatch.setattr(RaisingSMSBackend, "error", RuntimeError("no route to +77011234567"))
    row = NotificationFactory(
        channel=Notification.Channel.SMS, recipient_email="", recipient_phone="+77011234567"
    )
    with caplog.at_level(logging.WARNING, logger="notifications"):
        row = services.notification_deliver(notification_id=row.pk)
    assert (row.status, row.last_error) == ("failed", "RuntimeError: no route to +7701*****67")
    assert "Traceback (most recent call last)" in caplog.text
    assert "RuntimeError: no route to +7701*****67" in caplog.text
    assert "7011234567" not in caplog.text


def test_soft_time_limit_in_the_middle_of_a_send_makes_the_row_pending_again(settings, monkeypatch):
    settings.SMS_BACKEND = "notifications.tests.fakes.RaisingSMSBackend"
    monkeypatch.setattr(RaisingSMSBackend, "error", SoftTimeLimitExceeded())
    row = NotificationFactory(
        channel=Notification.Channel.SMS, recipient_email="", recipient_phone="+77011234567"
    )
    row = services.notification_deliver(notification_id=row.pk)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "no answer within 45 s"
    assert row.retry_in is not None
