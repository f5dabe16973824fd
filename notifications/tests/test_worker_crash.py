"""A worker killed (SIGKILL) in the middle of an SMTP send: the row is recovered by the flush
job and sent again by a new worker, and the repeat carries the same Message-ID.

Real redis-server, real Celery worker processes, a local SMTP server that takes the message and
then holds its confirmation, so the worker dies between sending and marking the row sent.
"""

import re
import threading
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.services import Recipient, notify
from notifications.tests.conftest import celery_publishing_to
from notifications.tests.fakes import FakeSMTPServer
from notifications.tests.worker import celery_worker, wait_until
from pkop_portal.tests.servers import RedisServer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


def message_id(message: dict) -> str:
    return re.search(r"^Message-ID: (.+)$", message["data"], re.M).group(1).strip()


def test_worker_killed_mid_send_row_is_recovered_and_the_repeat_is_recognisable(
    redis_server, settings, tmp_path
):
    with FakeSMTPServer() as smtp:
        smtp.hold = threading.Event()
        env = {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
        }
        log = tmp_path / "worker.log"
        with celery_publishing_to(redis_server.url, settings):
            with celery_worker(broker_url=redis_server.url, log=log, env=env) as worker:
                with transaction.atomic():
                    row = notify(
                        event="portal.test",
                        to=Recipient(email="crash@example.kz"),
                        language="ru",
                        context={"requested_by": "Registrar"},
                        dedupe_key="worker:crash",
                    )[0]
                assert wait_until(lambda: len(smtp.messages) == 1, 30)
                worker.kill()  # the server has the message; the row is not marked sent
                worker.wait(timeout=10)
            smtp.hold.set()
            smtp.hold = None
            row.refresh_from_db()
            assert (row.status, row.attempts) == ("sending", 1)

            # Within the sending timeout nobody touches it: the send might still be alive.
            assert services.outbox_flush() == 0
            # 121 s later (the sending timeout and one flush period): recovered and sent again.
            Notification.objects.filter(pk=row.pk).update(
                updated_at=timezone.now() - timedelta(seconds=121)
            )
            with celery_worker(broker_url=redis_server.url, log=log, env=env):
                assert services.outbox_flush() == 1
                assert wait_until(lambda: Notification.objects.get(pk=row.pk).status == "sent")

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert [m["to"] for m in smtp.messages] == [["crash@example.kz"]] * 2
    assert message_id(smtp.messages[0]) == message_id(smtp.messages[1])
    assert message_id(smtp.messages[0]) == services.message_id_for(row)
