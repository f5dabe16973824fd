"""Two workers delivering the same rows at once send each message once (PostgreSQL row locks)."""

import pytest
from django.core import mail

from notifications import services
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

# Serialized rollback: every transactional test restores the seeded rows it flushes.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_workers_racing_on_the_same_rows_send_each_message_once(race):
    rows = NotificationFactory.create_batch(20)
    ids = [row.pk for row in rows]

    def worker():
        return [services.notification_deliver(notification_id=pk).status for pk in ids]

    outcome = race([worker, worker])

    assert outcome.errors == []
    assert len(outcome.results) == 2
    assert len(mail.outbox) == 20
    keys = [m.extra_headers["X-PKOP-Notification"] for m in mail.outbox]
    assert sorted(keys) == sorted(row.dedupe_key for row in rows)
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
