"""Reception under contention: 100 concurrent booking attempts on one slot, then the manager's
slot page throughput. Starts gunicorn (4 workers) on PostgreSQL + Redis itself.

Usage: .venv/bin/python benchmarks/reception.py [--attempts 100] [--capacity 1] [--seconds 15]
Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pkop_bench), REDIS_URL
(default redis://127.0.0.1:6379/10). Needs wrk for the page throughput.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PORT = 8768
BASE = f"http://127.0.0.1:{PORT}"
ENV = {
    "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
    "DJANGO_IGNORE_DOTENV": "true",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",  # plain http on loopback
    "DJANGO_LOG_LEVEL": "WARNING",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pkop_bench"),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10"),
    # One client machine makes every attempt: lift the per-IP limits for the run.
    "RECEPTION_FORM_RATE": "1000000/h",
    "RECEPTION_MAX_ACTIVE_PER_CITIZEN": "5",
}


def valid_iins(count):
    from pkop_portal.validators import kz_check_digit

    found, n = [], 87010130000
    while len(found) < count:
        digit = kz_check_digit(f"{n:011d}")
        if digit is not None:
            found.append(f"{n:011d}{digit}")
        n += 1
    return found


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def attempt(slot_id, iin, barrier, results):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    url = f"{BASE}/ru/reception/slot/{slot_id}/book/"
    page = opener.open(url, timeout=30).read().decode()
    fields = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1],
        "form_key": re.search(r'name="form_key" value="([^"]+)"', page)[1],
        "full_name": "Bench",
        "iin": iin,
        "email": "bench@example.kz",
        "topic": "Benchmark",
        "consent": "on",
        "consent_version": re.search(r'name="consent_version" value="([^"]*)"', page)[1],
        "website": "",
        "phone": "",
        "description": "",
    }
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url}
    )
    barrier.wait(timeout=60)
    started = time.perf_counter()
    try:
        status = opener.open(request, timeout=60).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    results.append((status, time.perf_counter() - started))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=100)
    parser.add_argument("--capacity", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    os.environ.update(ENV)

    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    from benchmarks.load_portal import ensure_database

    ensure_database(ENV["DATABASE_URL"])
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True
    )

    import django

    django.setup()
    from datetime import time as clock

    from django.utils import timezone

    from pkop_portal import workdays
    from reception.models import Booking, Manager, ScheduleRule
    from reception.selectors import slot_list_free
    from reception.slots import slots_generate_all

    manager = Manager.objects.create(
        name_kk="Bench",
        name_ru="Bench",
        name_en="Bench",
        name_zh_hans="Bench",
        position_kk="-",
        position_ru="-",
        position_en="-",
        position_zh_hans="-",
        # The place is per language now (Manager.place is the current language's, read-only).
        place_kk="Bench",
        place_ru="Bench",
        place_en="Bench",
        place_zh_hans="Bench",
    )
    ScheduleRule.objects.create(
        manager=manager,
        weekdays="1,2,3,4,5",
        start_time=clock(9, 0),
        end_time=clock(18, 0),
        slot_minutes=20,
        capacity=args.capacity,
        valid_from=workdays.local_now().date(),
    )
    slots_generate_all()
    slot = slot_list_free(manager=manager, now=timezone.now()).first()

    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "pkop_portal.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "4",
            "--log-level",
            "warning",
            "--logger-class",
            "pkop_portal.gunicorn_logging.PrivacyLogger",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        people = valid_iins(args.attempts)
        barrier = threading.Barrier(args.attempts)
        results = []
        threads = [
            threading.Thread(target=attempt, args=(slot.pk, people[i], barrier, results))
            for i in range(args.attempts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        statuses = Counter(status for status, _ in results)
        active = Booking.objects.filter(slot=slot, is_active=True).count()
        latencies = sorted(t for _, t in results)
        print(
            f"{args.attempts} concurrent attempts on one slot (capacity {args.capacity}), "
            f"gunicorn 4 workers, PostgreSQL, {os.cpu_count()} cores"
        )
        print(f"responses: {dict(sorted(statuses.items()))} (302 booked, 409 slot taken)")
        print(
            f"active bookings on the slot: {active}; 5xx: "
            f"{sum(n for s, n in statuses.items() if s >= 500)}"
        )
        print(
            f"latency p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )
        page = f"{BASE}/ru/reception/manager/{manager.pk}/"
        out = subprocess.run(
            ["wrk", "-t2", "-c8", f"-d{args.seconds}s", "--latency", page],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        print(
            "manager slot page:",
            " | ".join(
                line.strip()
                for line in out.splitlines()
                if re.search(r"Requests/sec|50%|99%|Non-2xx", line)
            ),
        )
        ok = active == args.capacity and statuses.get(302, 0) == args.capacity
        sys.exit(0 if ok and not any(s >= 500 for s in statuses) else 1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        # Each run makes its own manager: take it off the public reception list afterwards.
        Manager.objects.filter(pk=manager.pk).update(is_active=False)


if __name__ == "__main__":
    main()
