import pytest
from django.core import mail
from django.db import transaction

from notifications import services, tasks
from notifications.models import Notification
from notifications.services import Recipient, notify
from notifications.tests.factories import NotificationFactory

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
    assert schedule == {"task": "notifications.flush_outbox", "schedule": 60.0}


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
    assert "could not queue notification" in caplog.text
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
