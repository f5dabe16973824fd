import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from pkop_portal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_celery_app_reads_django_settings():
    assert app.main == "pkop_portal"
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.timezone == "Asia/Almaty"


@pytest.mark.redis
def test_make_worker_command_starts_a_real_worker_that_answers_on_the_broker():
    """The worker `make worker` runs connects to Redis and answers a broadcast ping."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
        "DJANGO_IGNORE_DOTENV": "true",
        "DJANGO_DEBUG": "true",
        "REDIS_URL": settings.TEST_REDIS_URL,
    }
    hostname = f"ci-{os.getpid()}@localhost"
    worker = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "pkop_portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            f"--hostname={hostname}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        replies = []
        deadline = time.monotonic() + 60
        with app.connection_for_write(settings.TEST_REDIS_URL) as conn:
            while time.monotonic() < deadline and not replies:
                replies = app.control.ping(destination=[hostname], timeout=1.0, connection=conn)
        assert replies == [{hostname: {"ok": "pong"}}]
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "Celery: broker redis://" in output
