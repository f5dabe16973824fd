"""Suite-wide pytest configuration: service-dependent tests skip with a reason, fail under CI."""

import os
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import timezone

IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing_service(item) -> str | None:
    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    if item.get_closest_marker("postgres") and not on_postgres:
        return "needs PostgreSQL: set DATABASE_URL=postgres://... (running on SQLite)"
    if item.get_closest_marker("redis") and not settings.TEST_REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://..."
    return None


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but this test {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, axes, health probes)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class RaceResult:
    """What the calls of a race returned (`results`) and the errors they raised (`errors`:
    a ValidationError's code, else the exception's repr), in completion order."""

    def __init__(self):
        self.results: list = []
        self.errors: list = []


@pytest.fixture
def in_english():
    """The test runs in English (labels compared as text)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def race():
    """`race(calls)`: start every callable in its own thread at the same moment (a barrier),
    wait for all, return a RaceResult. Each thread closes its own database connection.

    Real threads against PostgreSQL: use with transaction=True tests marked `postgres`."""
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection

    def run(calls, *, timeout: float = 60) -> RaceResult:
        outcome = RaceResult()
        barrier = threading.Barrier(len(calls))

        def target(call):
            try:
                barrier.wait(timeout=20)
                outcome.results.append(call())
            except ValidationError as exc:
                outcome.errors.append(exc.code)
            except Exception as exc:  # surfaced by the caller's assertions on `errors`
                outcome.errors.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=target, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
        assert not any(t.is_alive() for t in threads), "a racing call did not finish"
        return outcome

    return run


@pytest.fixture
def query_count():
    """`query_count(fn)`: call fn() and return (number of SQL queries it ran, its result).

    For query-count parity tests: the same page with 1 and with many rows costs the same. Each
    count starts with no reference data kept in the process (pkop_portal.refdata), so the
    first and the second count load the same; `cold=False` measures with what is kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pkop_portal import refdata

    def count(fn, *, cold=True):
        if cold:
            refdata.store.drop()
        with CaptureQueriesContext(connection) as queries:
            result = fn()
        return len(queries), result

    return count


class Clock:
    """The instant `django.utils.timezone.now()` returns while a test runs."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def set(self, moment: datetime) -> None:
        assert timezone.is_aware(moment), "give the clock an aware datetime"
        # In UTC, as Django's own timezone.now() answers: local dates must be computed.
        utc = moment.astimezone(UTC)
        self._monkeypatch.setattr(timezone, "now", lambda: utc)


@pytest.fixture
def clock(monkeypatch):
    """`clock.set(aware_datetime)`: the portal (services, workdays.local_now, auto_now fields)
    sees that instant. The system clock is the one boundary a deadline test cannot run against,
    so it is the only thing replaced."""
    return Clock(monkeypatch)
