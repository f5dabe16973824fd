"""The portal's Redis cache and its breaker: an outage answers "empty", fast, logged once.

Outages are real: a refused port, a server that accepts and never answers (a hung Redis), and
for the recovery a redis-server of the test's own that is stopped and started again.
"""

import logging
import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from pkop_portal.cache import FailSoftRedisCache
from pkop_portal.outages import Breaker
from pkop_portal.tests.servers import SilentServer

TIMEOUTS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.3}


def portal_cache(location: str, cooldown: float = 5.0) -> FailSoftRedisCache:
    return FailSoftRedisCache(location, {"OPTIONS": TIMEOUTS, "OUTAGE_COOLDOWN": cooldown})


@pytest.fixture
def silent_server():
    with SilentServer() as server:
        yield server.url


def test_every_call_answers_empty_when_redis_refuses_connections():
    cache = portal_cache("redis://127.0.0.1:1/0")
    started = time.monotonic()
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False
    assert cache.incr("k") is None
    assert cache.set("k", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete_many(["a"]) is None
    assert cache.clear() is False
    assert cache.get_or_set("k", "computed") == "computed"
    assert time.monotonic() - started < 1.0
    with pytest.raises(RedisConnectionError):
        cache.ping()


def test_a_hung_redis_costs_one_socket_timeout_then_is_skipped(silent_server, caplog):
    cache = portal_cache(silent_server)
    with caplog.at_level(logging.WARNING, logger="pkop_portal.cache"):
        started = time.monotonic()
        assert cache.add("k", 1, 60) is False
        first = time.monotonic() - started
        started = time.monotonic()
        assert [cache.get("k") for _ in range(50)] == [None] * 50
        skipped = time.monotonic() - started
    assert 0.25 <= first < 1.5
    assert skipped < 0.1
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("cache (Redis) unavailable (TimeoutError")


def test_the_cache_tries_redis_again_after_the_cooldown():
    cache = portal_cache("redis://127.0.0.1:1/0", cooldown=0.2)
    cache.get("k")
    assert cache.breaker.allows() is False
    time.sleep(0.25)
    assert cache.breaker.allows() is True


@pytest.mark.redis
def test_the_cache_works_with_redis_and_a_missing_key_still_raises_on_incr(settings):
    cache = portal_cache(settings.TEST_REDIS_URL)
    key = f"test-cache-{time.monotonic_ns()}"
    assert cache.ping() is True
    assert cache.add(key, 1, 30) is True
    assert cache.incr(key) == 2
    with pytest.raises(ValueError):
        cache.incr(f"{key}-missing")
    assert cache.delete(key) is True


class ManualClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = ManualClock()
    monkeypatch.setattr("pkop_portal.outages.time.monotonic", fake)
    return fake


def test_breaker_logs_an_outage_once_a_minute_with_the_count_and_the_recovery(clock, caplog):
    breaker = Breaker("thing", consequence="we carry on", cooldown=5, log_every=60)
    with caplog.at_level(logging.WARNING, logger="pkop_portal.outages"):
        for _ in range(3):
            breaker.failure(ConnectionError("refused"))
            clock.now += 1
        assert breaker.allows() is False
        clock.now += 60
        breaker.failure(ConnectionError("refused"))
        breaker.success()
        breaker.success()
    assert [r.getMessage() for r in caplog.records] == [
        "thing unavailable (ConnectionError: refused): we carry on; 1 failure(s) since the last "
        "report",
        "thing unavailable (ConnectionError: refused): we carry on; 3 failure(s) since the last "
        "report",
        "thing is back after 4 failed call(s)",
    ]
    assert breaker.allows() is True


def test_breaker_skips_the_dependency_for_exactly_the_cooldown(clock):
    breaker = Breaker("thing", consequence="x", cooldown=5)
    breaker.failure(ConnectionError("refused"))
    clock.now += 4.99
    assert breaker.allows() is False
    clock.now += 0.01
    assert breaker.allows() is True
