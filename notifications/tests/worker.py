"""A real Celery worker process for end-to-end tests (PostgreSQL test database, real broker)."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the test database this process uses, for the worker to use the same."""
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(*, broker_url: str, log: Path, env: dict[str, str]):
    """Run `celery -A pkop_portal worker --pool=solo` on the test database and `broker_url`
    until the block ends; `env` adds settings (e-mail backend...). Yields the process, ready."""
    own = ("DJANGO_", "DATABASE_", "EMAIL_", "SMS_", "CELERY_", "NOTIFICATIONS_")
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(own)},
        "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
        "DJANGO_IGNORE_DOTENV": "true",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker_url,
        "SMS_BACKEND": "console",
        **env,
    }
    ready_before = log.read_text().count("ready.") if log.exists() else 0
    with open(log, "a") as out:
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
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while log.read_text().count("ready.") <= ready_before and time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"worker exited: {log.read_text()}")
            time.sleep(0.2)
        if log.read_text().count("ready.") <= ready_before:
            raise RuntimeError(f"worker not ready after 60 s: {log.read_text()}")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def delivered_to(mail_dir: Path) -> list[str]:
    """Recipients of every e-mail a worker wrote with the file backend, one per message."""
    return [
        line.split(":", 1)[1].strip()
        for path in sorted(mail_dir.iterdir())
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def wait_until(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
