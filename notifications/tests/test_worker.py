"""End to end with a real Redis broker and a real Celery worker process on PostgreSQL.

The test starts its own redis-server (so it can stop and restart it) and a worker running
`celery -A pkop_portal worker` against the test database, with the file e-mail backend.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from notifications import services
from notifications.models import Notification
from notifications.services import Recipient, notify
from notifications.tests.conftest import celery_publishing_to

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, to stop and start like an outage."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_server():
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def database_url() -> str:
    db = django_settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def worker(redis_server, tmp_path_factory, django_db_setup, django_db_blocker):
    mail_dir = tmp_path_factory.mktemp("mail")
    log = tmp_path_factory.mktemp("log") / "worker.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
        "DJANGO_IGNORE_DOTENV": "true",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": redis_server.url,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SMS_BACKEND": "console",
    }
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "pkop_portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text() and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited: {log.read_text()}")
        time.sleep(0.2)
    yield {"mail_dir": mail_dir, "log": log}
    process.terminate()
    process.wait(timeout=30)


def delivered_to(mail_dir: Path) -> list[str]:
    """Recipients of every e-mail the worker wrote, one entry per message."""
    return [
        line.split(":", 1)[1].strip()
        for path in sorted(mail_dir.iterdir())
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


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
