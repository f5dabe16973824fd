"""The delivery tasks of committed outbox rows are published by the process's publisher thread
(notifications.publisher), not by the request, and never before the commit.

Broker-only tests read the queue of a redis-server of their own (no worker consumes it); the
end-to-end tests add a real Celery worker on the PostgreSQL test database, as test_worker does.
"""

import base64
import json
import threading

import pytest
import redis
from celery.signals import before_task_publish
from django.core import mail
from django.db import transaction

from notifications import services, tasks
from notifications.models import Notification
from notifications.publisher import Publisher
from notifications.services import Recipient, notify
from notifications.tests.conftest import celery_publishing_to
from notifications.tests.factories import NotificationFactory
from notifications.tests.worker import delivered_to, wait_until

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def broker(redis_server, settings):
    """Publishing to the module's redis-server through the publisher thread; its queue empty."""
    queue = redis.Redis.from_url(redis_server.url)
    queue.flushdb()
    with celery_publishing_to(redis_server.url, settings, background=True):
        yield queue
    services._background_publisher().wait_idle(5)


@pytest.fixture
def publishing_threads():
    """Names of the threads that published a task while the test ran."""
    names: list[str] = []

    def record(**kwargs):
        names.append(threading.current_thread().name)

    before_task_publish.connect(record, weak=False)
    yield names
    before_task_publish.disconnect(record)


def queued_ids(queue: redis.Redis) -> list[int]:
    """Outbox ids of every delivery task waiting in the broker's default queue."""
    ids = []
    for raw in queue.lrange("celery", 0, -1):
        message = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        ids += kwargs.get("notification_ids") or [kwargs["notification_id"]]
    return ids


def send(email: str, key: str) -> Notification:
    return notify(
        event="portal.test",
        to=Recipient(email=email),
        language="ru",
        context={"requested_by": "Registrar"},
        dedupe_key=key,
    )[0]


@pytest.mark.redis
@transactional
def test_committed_notification_is_published_by_the_publisher_thread_after_commit(
    broker, publishing_threads
):
    with transaction.atomic():
        row = send("committed@example.kz", "dispatch:committed")
        assert queued_ids(broker) == []  # nothing before the commit
    assert services._background_publisher().wait_idle(5)

    assert queued_ids(broker) == [row.pk]
    assert publishing_threads == ["notifications-publisher"]


@pytest.mark.redis
@transactional
def test_rolled_back_notification_is_never_published(broker, publishing_threads):
    with pytest.raises(RuntimeError), transaction.atomic():
        send("rolledback@example.kz", "dispatch:rolledback")
        raise RuntimeError("rollback")
    assert services._background_publisher().wait_idle(5)

    assert queued_ids(broker) == []
    assert publishing_threads == []
    assert not Notification.objects.exists()


@pytest.mark.redis
@pytest.mark.django_db
def test_a_backlog_is_queued_in_batches_and_a_single_row_alone(broker, settings):
    settings.NOTIFICATIONS_DELIVER_BATCH = 10
    ids = [row.pk for row in NotificationFactory.create_batch(40)]

    assert services.enqueue_delivery(notification_ids=ids) == 40
    assert services.enqueue_delivery(notification_ids=ids[:1]) == 1

    assert broker.llen("celery") == 5  # 4 tasks of 10 ids, then 1 of one id
    assert sorted(queued_ids(broker)) == sorted(ids + ids[:1])


@pytest.mark.django_db
def test_deliver_batch_task_run_twice_sends_each_row_once():
    rows = NotificationFactory.create_batch(3)
    ids = [row.pk for row in rows]

    assert tasks.deliver_batch.run(notification_ids=ids) == ["sent"] * 3
    assert tasks.deliver_batch.run(notification_ids=ids + [123456]) == ["sent"] * 3 + ["missing"]

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient_email for r in rows)


def test_a_full_publisher_queue_refuses_without_blocking():
    release = threading.Event()
    published: list[list[int]] = []

    def slow_publish(*, notification_ids):
        release.wait(5)
        published.append(notification_ids)

    publisher = Publisher(slow_publish, maxsize=1, name="test-publisher")
    assert publisher.submit([1])  # taken by the thread, which then waits
    assert wait_until(lambda: publisher._queue.empty(), 5)
    assert publisher.submit([2])  # waits in the queue
    assert not publisher.submit([3])  # full: left to the outbox flush
    release.set()

    assert publisher.wait_idle(5)
    assert published == [[1], [2]]


def test_a_burst_of_hand_offs_is_published_once_each_in_order():
    published: list[list[int]] = []
    publisher = Publisher(
        lambda *, notification_ids: published.append(notification_ids),
        maxsize=1000,
        name="test-burst-publisher",
    )
    for pk in range(1, 201):
        assert publisher.submit([pk])

    assert publisher.wait_idle(5)
    assert [pk for call in published for pk in call] == list(range(1, 201))


# --- End to end: a real worker on PostgreSQL --------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
@transactional
def test_committed_notification_is_delivered_once_through_the_publisher(worker, broker):
    with transaction.atomic():
        row = send("delivered@example.kz", "dispatch:delivered")

    assert wait_until(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    assert delivered_to(worker["mail_dir"]).count("delivered@example.kz") == 1
    row.refresh_from_db()
    assert row.attempts == 1


@pytest.mark.postgres
@pytest.mark.redis
@transactional
def test_rolled_back_notification_is_never_delivered_through_the_publisher(worker, broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        send("never@example.kz", "dispatch:never")
        raise RuntimeError("rollback")
    with transaction.atomic():
        marker = send("marker2@example.kz", "dispatch:marker")

    # The marker committed after the rollback is delivered, so the worker had every chance.
    assert wait_until(lambda: Notification.objects.get(pk=marker.pk).status == "sent")
    assert "never@example.kz" not in delivered_to(worker["mail_dir"])


@pytest.mark.postgres
@pytest.mark.redis
@transactional
def test_publisher_gone_the_flush_still_delivers_once(worker, broker, settings, monkeypatch):
    # The process dies between its commit and its thread's publish: the ids in memory are lost.
    lost = Publisher(lambda **kwargs: None, maxsize=10, name="killed-publisher")
    monkeypatch.setattr(services, "_publisher", lost)
    emails = [f"lost{i}@example.kz" for i in range(3)]
    for i, email in enumerate(emails):
        with transaction.atomic():
            send(email, f"dispatch:lost:{i}")
    assert lost.wait_idle(5)
    rows = Notification.objects.filter(dedupe_key__startswith="dispatch:lost")
    assert set(rows.values_list("status", flat=True)) == {"pending"}

    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 0
    assert services.outbox_flush() == 3

    assert wait_until(lambda: set(rows.values_list("status", flat=True)) == {"sent"}, 60)
    assert services.outbox_flush() == 0
    delivered = delivered_to(worker["mail_dir"])
    assert sorted(e for e in delivered if e.startswith("lost")) == emails


@pytest.mark.postgres
@transactional
def test_two_workers_racing_with_batches_send_each_message_once(race):
    rows = NotificationFactory.create_batch(20)
    ids = [row.pk for row in rows]

    def worker():
        return [row.status for row in services.notification_deliver_batch(notification_ids=ids)]

    outcome = race([worker, worker])

    assert outcome.errors == []
    assert len(mail.outbox) == 20
    keys = sorted(m.extra_headers["X-PKOP-Notification"] for m in mail.outbox)
    assert keys == sorted(row.dedupe_key for row in rows)
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
