"""Outbox throughput: N notifications through a real Redis broker and real Celery worker(s).

Each notification is created by notify() in its own committed transaction (the path an appeal
takes); the worker renders and "sends" it with Django's locmem e-mail backend. Reported:
throughput (notifications per second from the first commit to the last sent) and the time from
commit to sent (p50, p95, max).

Usage (from the repository root, after `make test` built .venv):
    .venv/bin/python benchmarks/notifications.py [--count 1000] [--concurrency 2]
Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pkop_bench) and
REDIS_URL (default redis://127.0.0.1:6379/12). The benchmark database is emptied of notifications.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENV = {
    "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
    "DJANGO_IGNORE_DOTENV": "true",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_LOG_LEVEL": "WARNING",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pkop_bench"),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"),
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "SMS_BACKEND": "locmem",
}


def ensure_database(url: str) -> None:
    import psycopg2

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("select 1 from pg_database where datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'create database "{name}"')
    conn.close()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    os.environ.update(ENV)
    ensure_database(ENV["DATABASE_URL"])
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )

    import django

    django.setup()
    import redis
    from django.db import transaction

    from notifications.models import Notification
    from notifications.services import Recipient, notify

    Notification.objects.all().delete()
    redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()

    worker = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "pkop_portal",
            "worker",
            f"--concurrency={args.concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        time.sleep(3)  # let the worker connect before the clock starts
        committed: dict[int, float] = {}
        started = time.time()
        for i in range(args.count):
            with transaction.atomic():
                row = notify(
                    event="portal.test",
                    to=Recipient(email=f"citizen{i}@example.kz"),
                    language=("kk", "ru", "en", "zh-hans")[i % 4],
                    context={"requested_by": "benchmark"},
                    dedupe_key=f"bench:{started}:{i}",
                )[0]
            committed[row.pk] = time.time()
        created = time.time()

        deadline = time.time() + args.timeout
        while time.time() < deadline:
            done = Notification.objects.exclude(status="pending").exclude(status="sending")
            if done.count() >= args.count:
                break
            time.sleep(0.2)
        rows = list(Notification.objects.values_list("pk", "status", "sent_at"))
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    sent = [(pk, at.timestamp()) for pk, status, at in rows if status == "sent"]
    failed = [pk for pk, status, _at in rows if status != "sent"]
    latencies = [at - committed[pk] for pk, at in sent]
    last_sent = max(at for _pk, at in sent)
    first_sent = min(at for _pk, at in sent)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    print(f"notifications: {args.count}, sent: {len(sent)}, not sent: {len(failed)}")
    print(
        f"worker: prefork concurrency {args.concurrency}, Redis broker, PostgreSQL, "
        f"{os.cpu_count()} cores shared with the producer"
    )
    print(f"creating {args.count} rows in {args.count} transactions: {created - started:.2f} s")
    print(f"throughput first commit -> last sent: {len(sent) / (last_sent - started):.1f} /s")
    print(f"delivery rate first sent -> last sent: {len(sent) / (last_sent - first_sent):.1f} /s")
    print(
        f"commit -> sent: p50 {p50:.3f} s, p95 {p95:.3f} s, max {max(latencies):.3f} s, "
        f"mean {statistics.mean(latencies):.3f} s"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
