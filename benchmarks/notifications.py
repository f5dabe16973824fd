"""Outbox throughput: notifications through a real Redis broker and real Celery worker(s).

Each notification is created by notify() in its own committed transaction (the path an appeal
takes), handed to the process's publisher thread as in a web process, and the worker renders
and "sends" it with Django's locmem e-mail backend. Two modes: a burst (`--count` notifications
created as fast as one producer can) or a steady load (`--rate` per second for `--seconds`).
Reported: throughput (notifications per second from the first commit to the last sent), the
producer's time per transaction (what a request pays), and the time from commit to sent (p50,
p95, max).

Usage (from the repository root, after `make test` built .venv):
    .venv/bin/python benchmarks/notifications.py [--count 1000] [--concurrency 2]
    .venv/bin/python benchmarks/notifications.py --rate 50 --seconds 30 [--concurrency 2]
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
    parser.add_argument("--count", type=int, default=1000, help="burst size")
    parser.add_argument("--rate", type=float, default=0, help="steady mode: notifications/s")
    parser.add_argument("--seconds", type=float, default=30, help="steady mode: duration")
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
        count = round(args.rate * args.seconds) if args.rate else args.count
        committed: dict[int, float] = {}
        spent: list[float] = []
        started = time.time()
        for i in range(count):
            if args.rate:  # steady mode: the i-th notification is due at i / rate
                time.sleep(max(0.0, started + i / args.rate - time.time()))
            begun = time.time()
            with transaction.atomic():
                row = notify(
                    event="portal.test",
                    to=Recipient(email=f"citizen{i}@example.kz"),
                    language=("kk", "ru", "en", "zh-hans")[i % 4],
                    context={"requested_by": "benchmark"},
                    dedupe_key=f"bench:{started}:{i}",
                )[0]
                # Registered after notify's own callback, so it runs after the hand-off: the
                # commit time the request sees, with whatever the hand-off costs included.
                transaction.on_commit(lambda pk=row.pk: committed.__setitem__(pk, time.time()))
            spent.append(time.time() - begun)
        created = time.time()

        deadline = time.time() + args.timeout
        while time.time() < deadline:
            done = Notification.objects.exclude(status="pending").exclude(status="sending")
            if done.count() >= count:
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
    mode = f"steady {args.rate:g}/s for {args.seconds:g} s" if args.rate else "burst"
    print(f"mode: {mode}; notifications: {count}, sent: {len(sent)}, not sent: {len(failed)}")
    print(
        f"worker: prefork concurrency {args.concurrency}, Redis broker, PostgreSQL, "
        f"{os.cpu_count()} cores shared with the producer; load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(f"creating {count} rows in {count} transactions: {created - started:.2f} s")
    print(
        f"producer per transaction (notify + commit + hand-off): "
        f"p50 {percentile(spent, 50) * 1000:.2f} ms, p95 {percentile(spent, 95) * 1000:.2f} ms"
    )
    print(f"throughput first commit -> last sent: {len(sent) / (last_sent - started):.1f} /s")
    print(f"delivery rate first sent -> last sent: {len(sent) / (last_sent - first_sent):.1f} /s")
    print(
        f"commit -> sent: p50 {p50:.3f} s, p95 {p95:.3f} s, max {max(latencies):.3f} s, "
        f"mean {statistics.mean(latencies):.3f} s"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
