"""A Redis outage under real submissions: nothing fails, nothing is lost, nothing is sent twice.

Production runs the cache (rate limits) and the Celery broker on one Redis. This test gives them
a redis-server of its own, submits appeals through the real view, kills that server in the
middle, submits more, then starts it again and runs a real Celery worker and the outbox flush.
"""

import re
import time

import pytest

from appeals.models import Appeal
from appeals.tests.test_views import form_data
from notifications import services
from notifications.models import Notification
from notifications.tests.conftest import celery_publishing_to
from notifications.tests.worker import celery_worker, wait_until
from pkop_portal.forms import new_form_key
from pkop_portal.tests.servers import RedisServer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEFORE, DURING = 4, 6  # submissions before the outage and while Redis is down


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def portal_on(redis_server, settings):
    """Cache and broker of this process on the test's redis-server, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
            "OUTAGE_COOLDOWN": 0.5,
        }
    }
    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 0
    with celery_publishing_to(redis_server.url, settings):
        yield redis_server


def submit(client, n: int):
    started = time.monotonic()
    response = client.post(
        "/ru/appeals/new/",
        form_data(email=f"citizen{n}@example.kz", form_key=new_form_key()),
        REMOTE_ADDR=f"198.51.100.{n}",
    )
    return response, time.monotonic() - started


def messages_per_key(mail_dir) -> dict[str, list[str]]:
    """Message-IDs of the e-mails the worker wrote, per notification dedupe key."""
    sent: dict[str, list[str]] = {}
    for path in mail_dir.iterdir():
        text = path.read_text()
        for message in text.split("-" * 79):
            key = re.search(r"^X-PKOP-Notification: (.+)$", message, re.M)
            if key:
                message_id = re.search(r"^Message-ID: (.+)$", message, re.M).group(1)
                sent.setdefault(key.group(1).strip(), []).append(message_id.strip())
    return sent


def test_a_redis_outage_under_submissions_loses_nothing_and_sends_each_notification_once(
    client, portal_on, tmp_path, caplog
):
    redis_server = portal_on
    responses = [submit(client, n) for n in range(BEFORE)]
    redis_server.kill()
    responses += [submit(client, n) for n in range(BEFORE, BEFORE + DURING)]

    # Every citizen got the receipt at once, also while Redis was down.
    assert [r.status_code for r, _ in responses] == [302] * (BEFORE + DURING)
    assert {r["Location"] for r, _ in responses} == {"/ru/appeals/receipt/"}
    assert max(seconds for _, seconds in responses[BEFORE:]) < 1.5
    assert Appeal.objects.count() == BEFORE + DURING
    rows = Notification.objects.filter(event="appeal.registered")
    assert rows.count() == BEFORE + DURING
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    assert "unavailable" in caplog.text

    # Redis comes back empty (the tasks queued before the outage died with it).
    redis_server.start()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with celery_worker(broker_url=redis_server.url, log=tmp_path / "worker.log", env=env):
        assert services.outbox_flush() == BEFORE + DURING
        assert wait_until(lambda: set(rows.values_list("status", flat=True)) == {"sent"}, 60)
        assert services.outbox_flush() == 0  # the next beat run finds nothing left
        time.sleep(1)  # a duplicate task, had there been one, would have run by now

    sent = messages_per_key(mail_dir)
    keys = sorted(
        f"appeal.registered:{pk}:email" for pk in Appeal.objects.values_list("pk", flat=True)
    )
    assert sorted(sent) == keys
    assert all(len(ids) == 1 for ids in sent.values()), sent
    assert set(rows.values_list("attempts", flat=True)) == {1}
