import contextlib

import pytest

from notifications import services, sms
from pkop_portal.celery import app


@pytest.fixture(autouse=True)
def sms_outbox():
    """The locmem SMS backend's outbox, empty for each test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@contextlib.contextmanager
def celery_publishing_to(url: str, settings, *, background: bool = False):
    """Make this process publish tasks to a real broker at `url` instead of running them eagerly.

    The broker's outage state (services.broker_outage) starts and ends clean: it belongs to the
    broker, and this is another one. Tasks are published inside the after-commit callback
    unless `background` (then by the process's publisher thread, as in production)."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.NOTIFICATIONS_PUBLISH_IN_BACKGROUND = background
    # Celery caches its connection and producer pools; drop them so the new URL is used.
    app._pool = None
    app.amqp._producer_pool = None
    services.broker_outage.reset()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None
        services.broker_outage.reset()


@pytest.fixture
def dead_broker(settings):
    """Celery really publishing to a broker that refuses connections (nothing on port 1)."""
    with celery_publishing_to("redis://127.0.0.1:1/0", settings):
        yield


# A test-owned redis-server and a real Celery worker (prefork) delivering into a mail folder:
# one of each per test module that asks for them (test_worker, test_dispatch).
@pytest.fixture(scope="module")
def redis_server():
    from pkop_portal.tests.servers import RedisServer

    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
def worker(redis_server, tmp_path_factory, django_db_setup, django_db_blocker):
    from notifications.tests.worker import celery_worker

    mail_dir = tmp_path_factory.mktemp("mail")
    log = tmp_path_factory.mktemp("log") / "worker.log"
    env = {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with celery_worker(broker_url=redis_server.url, log=log, env=env):
        yield {"mail_dir": mail_dir, "log": log}
