"""A Redis outage under appeal submissions, end to end (issue 8, point 2), as an operator sees it.

Production runs the cache (rate limits) and the Celery broker on one Redis. This script starts
a redis-server of its own and the production processes around it: gunicorn (2 sync workers), a
Celery worker (prefork, concurrency 1) and Celery beat (the outbox flush every
NOTIFICATIONS_FLUSH_SECONDS, lowered to 5). Citizens submit appeals at a steady rate, each a
full GET of the form and a POST with its own CSRF cookie, form key and e-mail address. After
--before seconds redis-server is stopped (SIGTERM, or SIGKILL with --kill) for --outage seconds
while submissions go on, then started again, empty, on the same port, and submissions go on for
--after seconds. Then the script waits (at most --drain seconds) until every outbox row of the
run is sent, watches --settle seconds more for late duplicates, and reads the e-mails the worker
wrote (Django's file-based backend) per X-PKOP-Notification header and Message-ID.

Beat, not a loop calling outbox_flush() from here: beat and the worker must themselves survive
the outage and reconnect, as in production.

Usage: .venv/bin/python benchmarks/redis_outage.py [--before 20] [--outage 60] [--after 20]
       [--rate 3] [--threads 2] [--kill] [--drain 180] [--settle 12]
Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pkop_bench). The outbox
of that database is emptied first (an older run's pending rows would be flushed with this one).
Exit status 1 if a request got a 5xx or was not accepted (302), an appeal is missing, or a
notification of the run was not delivered or was delivered twice.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
IIN = "870101300009"  # a valid IIN (check digit and date)
FLUSH_SECONDS = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def portal_env(*, redis_port: int, mail_dir: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
        "DJANGO_IGNORE_DOTENV": "true",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",  # plain http on loopback
        "DJANGO_LOG_LEVEL": "WARNING",  # the outage warnings of pkop_portal and notifications
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pkop_bench"
        ),
        # Cache, rate limits and broker on one Redis, as in production.
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SMS_BACKEND": "locmem",
        # One client machine makes every submission: lift the per-IP limit for the run.
        "APPEALS_SUBMIT_RATE": "100000/h",
        "NOTIFICATIONS_FLUSH_SECONDS": str(FLUSH_SECONDS),
        "NOTIFICATIONS_FLUSH_GRACE_SECONDS": "5",
    }


class Processes:
    """Every process the run started, stopped in reverse order whatever happens."""

    def __init__(self, work: Path):
        self.work = work
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.work / f"{name}.log").open("a")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        self.running.append((name, process))
        return process

    def stop(self, process: subprocess.Popen, *, kill: bool = False, grace: float = 30) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.running = [(n, p) for n, p in self.running if p is not process]

    def stop_all(self) -> None:
        # Newest first, redis-server last: the others shut down cleanly while it still answers.
        order = [item for item in reversed(self.running) if item[0] != "redis"]
        order += [item for item in self.running if item[0] == "redis"]
        for _name, process in order:
            try:
                self.stop(process)
            except Exception as exc:  # keep stopping the others
                print(f"could not stop {_name} (pid {process.pid}): {exc}", file=sys.stderr)


def start_redis(processes: Processes, port: int) -> subprocess.Popen:
    command = [shutil.which("redis-server") or "redis-server", "--port", str(port)]
    command += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--dir", str(processes.work)]
    process = processes.start("redis", command, os.environ.copy())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.02)
    raise RuntimeError(f"redis-server did not start on port {port}")


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Submission:
    n: int
    email: str
    get_status: int | str = 0
    get_seconds: float = 0.0
    post_status: int | str = 0  # 0: not posted (the form page failed)
    post_started: float = 0.0  # time.time()
    post_seconds: float = 0.0
    location: str = ""


def hidden(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    value = match and re.search(r'value="([^"]*)"', match[0])
    return value[1] if value else None


def submit(base: str, n: int, run: str, category: str) -> Submission:
    """One citizen: the form page, then the filled form (own cookies, own form key)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    url = f"{base}/ru/appeals/new/"
    result = Submission(n=n, email=f"citizen{n}.{run}@example.kz")
    started = time.perf_counter()
    try:
        with opener.open(url, timeout=30) as response:
            page, result.get_status = response.read().decode(), response.status
    except urllib.error.HTTPError as exc:
        result.get_status = exc.code
    except OSError as exc:
        result.get_status = f"{exc.__class__.__name__}"
    result.get_seconds = time.perf_counter() - started
    if result.get_status != 200:
        return result
    fields = {
        "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
        "form_key": hidden(page, "form_key"),
        "consent_version": hidden(page, "consent_version"),
    }
    if None in fields.values():
        result.get_status = "form incomplete"
        return result
    fields |= {
        "applicant_type": "individual",
        "full_name": f"Outage Bench {n}",
        "iin": IIN,
        "address": "Shymkent, benchmark street 1",
        "email": result.email,
        "phone": "",
        "preferred_contact": "email",
        "kind": "statement",
        "category": category,
        "subject": f"Redis outage benchmark {run}",
        "text": "An appeal submitted while Redis may be down.",
        "consent": "on",
        "website": "",
    }
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url}
    )
    result.post_started = time.time()
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=30) as response:
            result.post_status = response.status
    except urllib.error.HTTPError as exc:
        result.post_status, result.location = exc.code, exc.headers.get("Location", "")
    except OSError as exc:
        result.post_status = f"{exc.__class__.__name__}"
    result.post_seconds = time.perf_counter() - started
    return result


class Load:
    """Submissions at a steady total rate from a few threads, until stopped."""

    def __init__(self, *, base: str, run: str, category: str, rate: float, threads: int):
        self.base, self.run, self.category, self.rate = base, run, category, rate
        self.results: list[Submission] = []
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._next = 0
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(threads)]

    def start(self) -> None:
        self.started = time.monotonic()
        for thread in self._threads:
            thread.start()

    def _loop(self) -> None:
        while not self.stopped.is_set():
            with self._lock:
                n, self._next = self._next, self._next + 1
            delay = self.started + n / self.rate - time.monotonic()
            if delay > 0 and self.stopped.wait(delay):
                return
            result = submit(self.base, n, self.run, self.category)
            with self._lock:
                self.results.append(result)

    def stop(self) -> None:
        self.stopped.set()
        for thread in self._threads:
            thread.join(timeout=60)


def mail_by_key(mail_dir: Path) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Message-IDs written by the file-based backend, per X-PKOP-Notification value; and how
    many times each Message-ID was written."""
    by_key: dict[str, list[str]] = {}
    ids: Counter[str] = Counter()
    for path in sorted(mail_dir.iterdir()):
        for message in path.read_text(errors="replace").split("-" * 79):
            key = re.search(r"^X-PKOP-Notification: (.+)$", message, re.M)
            message_id = re.search(r"^Message-ID: (.+)$", message, re.M | re.I)
            if key:
                mid = message_id[1].strip() if message_id else "(no Message-ID)"
                by_key.setdefault(key[1].strip(), []).append(mid)
                ids[mid] += 1
    return by_key, ids


def latency_line(label: str, results: list[Submission]) -> str:
    from benchmarks.notifications import percentile

    posts = [r.post_seconds * 1000 for r in results if r.post_status]
    gets = [r.get_seconds * 1000 for r in results]
    if not posts:
        return f"  {label:<8} no submissions"
    return (
        f"  {label:<8} {len(posts):>4} POSTs: p50 {percentile(posts, 50):6.0f} ms, "
        f"p95 {percentile(posts, 95):6.0f} ms, max {max(posts):6.0f} ms"
        f" | form page p95 {percentile(gets, 95):4.0f} ms, max {max(gets):5.0f} ms"
    )


def log_summary(path: Path) -> str:
    """Tracebacks and the kinds of warning/error lines of one process's log."""
    if not path.exists():
        return "no log"
    text = path.read_text(errors="replace")
    kinds: Counter[str] = Counter()
    for line in text.splitlines():
        match = re.search(r"\b(WARNING|ERROR|CRITICAL)\b(?:/\w+\])?:?\s*(.*)", line)
        if match:
            message = re.sub(r"\d+", "N", match[2])
            message = re.sub(r"\[[^\]]*\]|celery@\S+", "", message)
            kinds[f"{match[1]} {message.strip()[:110]}"] += 1
    lines = [f"{text.count('Traceback (most recent call last)')} traceback(s)"]
    lines += [f"      {count:>4} x {kind}" for kind, count in kinds.most_common(8)]
    return "\n".join(lines)


def worker_reconnected(path: Path, since: float) -> float | None:
    """Seconds from `since` to the worker's first "Connected to" log line after it."""
    for line in path.read_text(errors="replace").splitlines():
        match = re.match(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}).*Connected to ", line)
        if match:
            at = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            if at >= since - 1:  # the log has milliseconds, the clock is the same
                return at - since
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=float, default=20, help="seconds before the outage")
    parser.add_argument("--outage", type=float, default=60, help="seconds Redis is down")
    parser.add_argument("--after", type=float, default=20, help="seconds after Redis is back")
    parser.add_argument("--rate", type=float, default=3, help="submissions per second")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--kill", action="store_true", help="SIGKILL redis-server (not SIGTERM)")
    parser.add_argument("--drain", type=float, default=180, help="max seconds to wait for mail")
    parser.add_argument("--settle", type=float, default=12, help="seconds to watch for repeats")
    parser.add_argument("--keep", action="store_true", help="keep the logs and mail directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pkop-redis-outage-"))
    processes = Processes(work)
    # Ctrl-C, and a plain `kill` of this script, stop every process it started (see Processes).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ok = False
    try:
        ok = run(args, work, processes)
    except KeyboardInterrupt:
        print("interrupted: stopping every process this run started", file=sys.stderr)
    finally:
        processes.stop_all()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"logs and e-mails kept in {work}")
    return 0 if ok else 1


def run(args, work: Path, processes: Processes) -> bool:
    mail_dir = work / "mail"
    mail_dir.mkdir()
    redis_port, web_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    os.environ.update(portal_env(redis_port=redis_port, mail_dir=mail_dir))
    env = os.environ.copy()

    from benchmarks.notifications import ensure_database

    ensure_database(env["DATABASE_URL"])
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, check=True)

    import django

    django.setup()
    from appeals.models import Appeal, Category
    from notifications.models import Notification

    Notification.objects.all().delete()
    category = str(Category.objects.get(slug="charity").pk)
    run_tag = f"r{int(time.time())}"

    redis = start_redis(processes, redis_port)
    processes.start(
        "gunicorn",
        [str(BIN / "gunicorn"), "pkop_portal.wsgi", "--bind", f"127.0.0.1:{web_port}"]
        + ["--workers", "2", "--log-level", "warning"]
        + ["--logger-class", "pkop_portal.gunicorn_logging.PrivacyLogger"],
        env,
    )
    worker_log, beat_log = work / "worker.log", work / "beat.log"
    processes.start(
        "worker",
        [str(BIN / "celery"), "-A", "pkop_portal", "worker", "--concurrency", "1"]
        + ["--loglevel", "INFO", "--hostname", f"bench-{run_tag}@%h"],
        env,
    )
    processes.start(
        "beat",
        [str(BIN / "celery"), "-A", "pkop_portal", "beat", "--loglevel", "INFO"]
        + ["--schedule", str(work / "celerybeat-schedule")],
        env,
    )

    def web_up() -> bool:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            return True
        except OSError:
            return False

    wait_for(web_up, 30, "gunicorn")
    wait_for(lambda: worker_log.exists() and " ready." in worker_log.read_text(), 60, "worker")
    wait_for(lambda: "Starting..." in beat_log.read_text(), 30, "beat")

    load = Load(base=base, run=run_tag, category=category, rate=args.rate, threads=args.threads)
    load.start()
    time.sleep(args.before)
    outage_started = time.time()
    processes.stop(redis, kill=args.kill)
    time.sleep(args.outage)
    redis = start_redis(processes, redis_port)
    restarted = time.time()
    time.sleep(args.after)
    load.stop()
    submitted = time.time()

    emails = [r.email for r in load.results]
    appeals = dict(
        Appeal.objects.filter(email__in=emails).values_list("email", "pk").order_by("pk")
    )
    appeal_rows = Appeal.objects.filter(email__in=emails).count()
    keys = {f"appeal.registered:{pk}:email" for pk in appeals.values()}
    rows = Notification.objects.filter(dedupe_key__in=keys)
    drain_deadline = time.monotonic() + args.drain
    while time.monotonic() < drain_deadline:
        if not rows.filter(status__in=["pending", "sending"]).exists():
            break
        time.sleep(0.5)
    drained = time.time()
    time.sleep(args.settle)  # a repeated delivery, had there been one, would be written by now

    results = load.results
    accepted = [r for r in results if r.post_status == 302 and r.location.endswith("/receipt/")]
    statuses = Counter(r.post_status for r in results if r.post_status)
    form_failures = Counter(r.get_status for r in results if r.get_status != 200)
    server_errors = sum(
        n for s, n in (statuses + form_failures).items() if isinstance(s, int) and s >= 500
    )
    lost = [r.n for r in accepted if r.email not in appeals]
    unexpected = [r.n for r in results if r.post_status != 302 and r.email in appeals]
    doubled = appeal_rows - len(appeals)

    row_status = Counter(rows.values_list("status", flat=True))
    attempts = Counter(rows.values_list("attempts", flat=True))
    sent_at = {
        key: at.timestamp()
        for key, at in rows.filter(status="sent").values_list("dedupe_key", "sent_at")
    }
    by_key, message_ids = mail_by_key(mail_dir)
    ours = {key: ids for key, ids in by_key.items() if key in keys}
    others = sum(len(ids) for key, ids in by_key.items() if key not in keys)
    delivered = sum(len(ids) for ids in ours.values())
    repeated_keys = sorted(key for key, ids in ours.items() if len(ids) > 1)
    repeated_ids = sorted(mid for mid, n in message_ids.items() if n > 1)
    missing = sorted(keys - set(ours))
    missing_rows = len(accepted) - len(keys)

    outage_end = restarted
    phases = {"before": [], "outage": [], "after": []}
    for r in results:
        when = r.post_started or outage_started - 1
        phase = "before" if when < outage_started else "outage" if when < outage_end else "after"
        phases[phase].append(r)
    outage_keys = {
        f"appeal.registered:{appeals[r.email]}:email"
        for r in phases["outage"]
        if r.email in appeals
    }
    sent_during = sum(1 for at in sent_at.values() if outage_started <= at < restarted)

    stop = "SIGKILL" if args.kill else "SIGTERM"
    print(
        f"Redis outage under appeal submissions: {args.before:.0f} s, then redis-server stopped "
        f"({stop}) for {args.outage:.0f} s, then {args.after:.0f} s after its restart (empty)"
    )
    print(
        f"one Redis for cache, rate limits and broker; gunicorn 2 sync workers, Celery worker "
        f"prefork 1, beat (flush every {FLUSH_SECONDS} s, grace 5 s), PostgreSQL; "
        f"{os.cpu_count()} cores; {args.rate:g} submissions/s from {args.threads} threads"
    )
    print(f"submissions attempted: {len(results)}")
    print(
        f"POST responses: {dict(sorted(statuses.items(), key=str))}; form page failures: "
        f"{dict(form_failures) or 0}; 5xx: {server_errors}; accepted (302 to the receipt): "
        f"{len(accepted)}"
    )
    print("latency by phase (POST start):")
    for label, items in phases.items():
        print(latency_line(label, items))
    print(
        f"appeal rows in the database: {appeal_rows} (for {len(accepted)} accepted; lost: "
        f"{len(lost)}, doubled: {doubled}, created without a 302: {len(unexpected)})"
    )
    print(
        f"outbox rows of the run: {rows.count()} by status {dict(row_status)}, by attempts "
        f"{dict(sorted(attempts.items()))}; appeals without a row: {missing_rows}"
    )
    print(
        f"e-mails delivered: {delivered} for {len(keys)} rows; duplicates: {len(repeated_keys)} "
        f"keys, {len(repeated_ids)} Message-IDs; missing: {len(missing)}; sent while Redis was "
        f"down: {sent_during}; other e-mails (not this run's): {others}"
    )
    if sent_at:
        last = max(sent_at.values())
        outage_last = max((sent_at[k] for k in outage_keys if k in sent_at), default=restarted)
        print(
            f"Redis restart -> last delivery: {last - restarted:.1f} s; -> every appeal of the "
            f"outage notified: {outage_last - restarted:.1f} s; end of submissions -> all sent: "
            f"{max(last - submitted, 0):.1f} s (waited {drained - submitted:.1f} s)"
        )
    back = worker_reconnected(work / "worker.log", restarted)
    print(
        "worker reconnected to the broker "
        + (f"{back:.1f} s after the restart" if back is not None else "never (see its log)")
    )
    for name in ("gunicorn", "worker", "beat"):
        print(f"  {name} log: {log_summary(work / f'{name}.log')}")
    if lost or missing or repeated_keys:
        print(f"lost appeals (submission n): {lost[:20]}; missing mail: {missing[:10]}")
        print(f"repeated: {repeated_keys[:10]}")
    return (
        not server_errors
        and len(accepted) == len(results)
        and not lost
        and not doubled
        and not missing_rows
        and not missing
        and not repeated_keys
        and not repeated_ids
        and row_status.get("sent", 0) == len(keys)
    )


if __name__ == "__main__":
    sys.exit(main())
