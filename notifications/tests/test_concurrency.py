"""Two workers delivering the same rows at once send each message once (PostgreSQL row locks)."""

import threading

import pytest
from django.core import mail
from django.db import connection

from notifications import services
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

# Serialized rollback: every transactional test restores the seeded rows it flushes.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_workers_racing_on_the_same_rows_send_each_message_once():
    rows = NotificationFactory.create_batch(20)
    ids = [row.pk for row in rows]
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            for notification_id in ids:
                services.notification_deliver(notification_id=notification_id)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(mail.outbox) == 20
    keys = [m.extra_headers["X-PKOP-Notification"] for m in mail.outbox]
    assert sorted(keys) == sorted(row.dedupe_key for row in rows)
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
