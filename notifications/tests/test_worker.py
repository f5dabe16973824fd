"""End to end with a real Redis broker and a real Celery worker process on PostgreSQL.

The test starts its own redis-server (so it can stop and restart it) and a worker running
`celery -A pkop_portal worker` against the test database, with the file e-mail backend.
"""

import pytest
from django.db import transaction

from notifications import services
from notifications.models import Notification
from notifications.services import Recipient, notify
from notifications.tests.conftest import celery_publishing_to
from notifications.tests.worker import delivered_to, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def send(email: str, key: str):
    return notify(
        event="portal.test",
        to=Recipient(email=email),
        language="ru",
        context={"requested_by": "Registrar"},
        dedupe_key=key,
    )


def test_committed_notification_is_delivered_once_by_the_worker(worker, redis_server, settings):
    with celery_publishing_to(redis_server.url, settings), transaction.atomic():
        row = send("committed@example.kz", "worker:committed")[0]
    assert wait_until(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    assert delivered_to(worker["mail_dir"]).count("committed@example.kz") == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_rolled_back_notification_is_never_delivered(worker, redis_server, settings):
    with celery_publishing_to(redis_server.url, settings):
        with pytest.raises(RuntimeError), transaction.atomic():
            send("rolledback@example.kz", "worker:rolledback")
            raise RuntimeError("rollback")
        with transaction.atomic():
            marker = send("marker@example.kz", "worker:marker")[0]
    # The marker queued after the rollback is delivered, so the worker had every chance.
    assert wait_until(lambda: Notification.objects.get(pk=marker.pk).status == "sent")
    assert "rolledback@example.kz" not in delivered_to(worker["mail_dir"])
    assert not Notification.objects.filter(dedupe_key__startswith="worker:rolledback").exists()


def test_broker_outage_then_flush_delivers_every_notification_exactly_once(
    worker, redis_server, settings
):
    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 0
    redis_server.stop()
    emails = [f"outage{i}@example.kz" for i in range(5)]
    with celery_publishing_to(redis_server.url, settings):
        for i, email in enumerate(emails):
            with transaction.atomic():
                send(email, f"worker:outage:{i}")  # the caller succeeds with Redis down
        assert set(
            Notification.objects.filter(dedupe_key__contains="outage").values_list(
                "status", flat=True
            )
        ) == {"pending"}

        redis_server.start()
        assert services.outbox_flush() == 5
        outage = Notification.objects.filter(dedupe_key__contains="outage")
        assert wait_until(lambda: set(outage.values_list("status", flat=True)) == {"sent"}, 60)
        # A second flush (beat runs every minute) finds nothing left to send.
        assert services.outbox_flush() == 0
    delivered = delivered_to(worker["mail_dir"])
    assert sorted(e for e in delivered if e.startswith("outage")) == sorted(emails)
