import time

import pytest
from django.core import mail
from django.db import transaction

from notifications import services, tasks
from notifications.models import Notification
from notifications.services import Recipient, notify
from notifications.tests.conftest import celery_publishing_to
from notifications.tests.factories import NotificationFactory
from pkop_portal.tests.servers import SilentServer

pytestmark = pytest.mark.django_db


def test_deliver_task_run_twice_sends_once():
    row = NotificationFactory()
    assert tasks.deliver.run(notification_id=row.pk) == "sent"
    assert tasks.deliver.run(notification_id=row.pk) == "sent"
    assert len(mail.outbox) == 1


def test_deliver_task_for_a_missing_row_does_nothing():
    assert tasks.deliver.run(notification_id=123456) == "missing"


def test_tasks_have_explicit_names_and_flush_is_scheduled(settings):
    assert tasks.deliver.name == "notifications.deliver"
    assert tasks.flush_outbox.name == "notifications.flush_outbox"
    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-flush-outbox"]
    assert schedule == {"task": "notifications.flush_outbox", "schedule": 30.0}


def test_a_crashed_send_is_recovered_within_two_minutes_and_a_live_one_never_taken_over(
    settings,
):
    """The timing chain of settings: socket timeouts < soft < hard limit < sending timeout,
    and a row left "sending" by a dead worker is pending and queued again within 120 s."""
    soft, hard = tasks.deliver.soft_time_limit, tasks.deliver.time_limit
    assert (soft, hard) == (45, 60)
    assert max(settings.EMAIL_TIMEOUT, settings.SMS_GATEWAY_TIMEOUT) < soft < hard
    assert hard < settings.NOTIFICATIONS_SENDING_TIMEOUT
    flush_period = settings.CELERY_BEAT_SCHEDULE["notifications-flush-outbox"]["schedule"]
    assert settings.NOTIFICATIONS_SENDING_TIMEOUT + flush_period <= 120


def test_broker_down_caller_succeeds_and_flush_delivers_once(
    dead_broker, django_capture_on_commit_callbacks, caplog, settings
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(
            event="portal.test",
            to=Recipient(email="aigerim@example.kz"),
            language="kk",
            context={"requested_by": "Registrar"},
            dedupe_key="broker-down:1",
        )
    row = Notification.objects.get()
    assert (row.status, row.attempts) == ("pending", 0)
    assert "Celery broker unavailable (OperationalError" in caplog.text
    assert "notifications stay pending until the outbox flush queues them" in caplog.text
    assert mail.outbox == []
    # The flush while the broker is still down queues nothing and loses nothing.
    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 0
    assert services.outbox_flush() == 0
    assert Notification.objects.get().status == "pending"


def test_flush_after_broker_returns_delivers_each_pending_row_exactly_once(settings):
    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 0
    rows = NotificationFactory.create_batch(3)
    assert tasks.flush_outbox.run() == 3
    assert tasks.flush_outbox.run() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient_email for r in rows)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_hung_broker_costs_one_socket_timeout_then_is_skipped(settings, caplog):
    rows = NotificationFactory.create_batch(3)
    ids = [row.pk for row in rows]
    with SilentServer() as hung, celery_publishing_to(hung.url, settings):
        started = time.monotonic()
        assert services.enqueue_delivery(notification_ids=ids) == 0
        first = time.monotonic() - started
        started = time.monotonic()
        assert services.enqueue_delivery(notification_ids=ids) == 0
        second = time.monotonic() - started
    # One socket timeout for the whole call (not one per row), then nothing at all.
    assert first < settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] + 1.0
    assert second < 0.2
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert caplog.text.count("Celery broker unavailable") == 1


def test_the_flush_tries_the_broker_even_while_request_publishing_is_skipped(settings):
    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 0
    row = NotificationFactory()
    with SilentServer() as hung, celery_publishing_to(hung.url, settings):
        services.broker_outage.failure(ConnectionError("down a moment ago"))
        started = time.monotonic()
        assert services.enqueue_delivery(notification_ids=[row.pk]) == 0
        assert time.monotonic() - started < 0.2  # skipped
        started = time.monotonic()
        assert services.outbox_flush() == 0
        assert time.monotonic() - started >= 1.0  # tried, and waited for the hung broker
    assert Notification.objects.get().status == "pending"
