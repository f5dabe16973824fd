"""Rate limits fail open, and say so in the log, when the cache does not answer."""

import logging

import pytest
from django.test import RequestFactory

from appeals.models import Appeal
from appeals.tests.test_views import form_data
from pkop_portal import ratelimits
from pkop_portal.forms import new_form_key

# Nothing listens on port 1: every connection is refused for real, no mock.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _fresh_outage_log():
    ratelimits.outage.reset()
    yield
    ratelimits.outage.reset()


@pytest.fixture
def raising_cache(settings):
    """Django's own Redis cache on a dead port: every call raises ConnectionError."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


@pytest.fixture
def fail_soft_cache(settings):
    """The portal's Redis cache (as production configures it) on a dead port."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_limit_counts_and_then_refuses_with_a_working_cache():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.10")
    results = [ratelimits.over_limit(request, group="t", rate="2/h") for _ in range(3)]
    assert results == [False, False, True]
    assert ratelimits.limit_reached(request, group="t", rate="2/h") is True
    other = RequestFactory().post("/", REMOTE_ADDR="203.0.113.11")
    assert ratelimits.limit_reached(other, group="t", rate="2/h") is False


def test_rate_limit_fails_open_and_logs_once_when_the_cache_raises(raising_cache, caplog):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.10")
    with caplog.at_level(logging.WARNING, logger="pkop_portal.ratelimits"):
        results = [ratelimits.over_limit(request, group="t", rate="1/h") for _ in range(3)]
        reached = ratelimits.limit_reached(request, group="t", rate="1/h")
    assert results == [False, False, False]
    assert reached is False
    # One line for the outage, not one per request.
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "rate-limit cache unavailable"
    ]
    assert "ConnectionError" in caplog.records[0].getMessage()
    assert "requests are let through without a limit" in caplog.records[0].getMessage()


@pytest.mark.django_db
def test_appeal_is_accepted_when_the_cache_raises(client, raising_cache, settings, caplog):
    settings.APPEALS_SUBMIT_RATE = "1/h"
    with caplog.at_level(logging.WARNING, logger="pkop_portal"):
        statuses = [
            client.post("/ru/appeals/new/", form_data(form_key=new_form_key())).status_code
            for _ in range(2)
        ]
    assert statuses == [302, 302]
    assert Appeal.objects.count() == 2
    assert "rate-limit cache unavailable" in caplog.text


@pytest.mark.django_db
def test_appeal_is_accepted_when_the_portal_cache_is_down(client, fail_soft_cache, settings):
    settings.APPEALS_SUBMIT_RATE = "1/h"
    statuses = [
        client.post("/ru/appeals/new/", form_data(form_key=new_form_key())).status_code
        for _ in range(2)
    ]
    assert statuses == [302, 302]
    assert Appeal.objects.count() == 2


def test_requests_without_a_usable_address_share_one_bucket(settings):
    settings.PROXY_COUNT = 0
    first = RequestFactory().post("/", REMOTE_ADDR="")
    second = RequestFactory().post("/", REMOTE_ADDR="not-an-address")
    assert ratelimits.ratelimit_ip(first) == ratelimits.UNKNOWN_CLIENT
    assert ratelimits.over_limit(first, group="t", rate="1/h") is False
    assert ratelimits.over_limit(second, group="t", rate="1/h") is True


# --- hotline buckets: a keyed, daily-rotating HMAC of the address ---------------------------

REPORTER_IP = "198.51.100.23"


@pytest.fixture
def locmem_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "hotline-ratelimit-keys",
        }
    }
    from django.core.cache import caches

    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def spy(monkeypatch):
    """The (group, window, rate, value, methods) django-ratelimit builds each cache key from."""
    import django_ratelimit.core as core

    seen = []
    real = core._make_cache_key

    def recording(group, window, rate, value, methods):
        seen.append((group, window, rate, value, methods))
        return real(group, window, rate, value, methods)

    monkeypatch.setattr(core, "_make_cache_key", recording)
    return seen, real


def _on_day(monkeypatch, day: int):
    from datetime import UTC, datetime

    class Fixed(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, day, 12, 0, tzinfo=UTC)

    monkeypatch.setattr(ratelimits, "datetime", Fixed)


def test_hotline_cache_keys_hold_no_recoverable_address(locmem_cache, spy, monkeypatch):
    import hashlib

    seen, real = spy
    _on_day(monkeypatch, 6)
    request = RequestFactory().post("/ru/hotline/report/", REMOTE_ADDR=REPORTER_IP)
    ratelimits.over_limit(request, group="hotline.report", rate="5/h")

    stored = " ".join(str(key) for key in locmem_cache._cache)
    assert stored, "the request was counted"
    for trace in (
        REPORTER_IP,
        hashlib.md5(REPORTER_IP.encode()).hexdigest(),  # noqa: S324
        hashlib.sha256(REPORTER_IP.encode()).hexdigest(),
    ):
        assert trace not in stored
    group, window, rate, value, methods = seen[-1]
    assert value != REPORTER_IP and REPORTER_IP not in value and len(value) == 64
    # Not the bucket django-ratelimit's own unkeyed hash of the address would name.
    assert real(group, window, rate, REPORTER_IP, methods) not in stored

    # The same client the same day: the same bucket; another day: another one.
    ratelimits.over_limit(request, group="hotline.report", rate="5/h")
    assert seen[-1][3] == value
    _on_day(monkeypatch, 7)
    ratelimits.over_limit(request, group="hotline.report", rate="5/h")
    assert seen[-1][3] != value


def test_hotline_limit_still_counts_per_client(locmem_cache, monkeypatch):
    _on_day(monkeypatch, 6)
    one = RequestFactory().post("/", REMOTE_ADDR=REPORTER_IP)
    other = RequestFactory().post("/", REMOTE_ADDR="198.51.100.24")
    assert not ratelimits.over_limit(one, group="hotline.report", rate="2/h")
    assert not ratelimits.over_limit(one, group="hotline.report", rate="2/h")
    assert ratelimits.over_limit(one, group="hotline.report", rate="2/h")
    assert not ratelimits.over_limit(other, group="hotline.report", rate="2/h")


def test_other_groups_keep_django_ratelimits_ip_key(locmem_cache, spy):
    seen, _ = spy
    request = RequestFactory().post("/ru/appeals/new/", REMOTE_ADDR=REPORTER_IP)
    ratelimits.over_limit(request, group="appeals.submit", rate="5/h")
    assert seen[-1][3] == REPORTER_IP


@pytest.mark.redis
def test_counting_on_redis_takes_one_round_trip_and_reads_agree(settings, monkeypatch):
    """The pipelined count lands in django-ratelimit's own bucket, so its reads see it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
            "LOCATION": settings.TEST_REDIS_URL,
        }
    }
    from django.core.cache import caches

    cache = caches["default"]
    cache.clear()
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.77")
    client = ratelimits._client(cache)
    calls = []
    real = type(client.pipeline()).execute
    monkeypatch.setattr(
        type(client.pipeline()), "execute", lambda self, *a, **k: calls.append(1) or real(self)
    )
    results = [ratelimits.over_limit(request, group="t.redis", rate="2/h") for _ in range(3)]
    assert results == [False, False, True]
    assert len(calls) == 3  # one pipeline (one round trip) per counted request
    assert ratelimits.limit_reached(request, group="t.redis", rate="2/h") is True
    assert ratelimits.limit_wait(request, group="t.redis", rate="2/h") > 0
    cache.clear()


@pytest.mark.redis
def test_a_public_forms_two_buckets_are_read_in_one_round_trip(settings, monkeypatch):
    """form_limit reads the accepted and the rejected bucket with one MGET, once per request,
    and agrees with django-ratelimit's own reads of each bucket."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
            "LOCATION": settings.TEST_REDIS_URL,
        }
    }
    from django.core.cache import caches

    cache = caches["default"]
    cache.clear()
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.78")
    client = ratelimits._client(cache)
    reads = []
    real_mget = type(client).mget
    monkeypatch.setattr(
        type(client), "mget", lambda self, *a, **k: reads.append(a) or real_mget(self, *a, **k)
    )
    ratelimits.over_limit(request, group="t.two.rejected", rate="1/h")
    limit = ratelimits.form_limit(request, group="t.two", rate="2/h", rejected_rate="1/h")
    assert limit.accepted_wait() == 0
    assert 0 < limit.rejected_wait() <= 3600
    assert limit.wait() == limit.rejected_wait() == request.ratelimit_wait
    assert len(reads) == 1 and len(reads[0][0]) == 2  # both keys, one round trip
    assert ratelimits.limit_wait(request, group="t.two.rejected", rate="1/h") > 0
    assert ratelimits.limit_wait(request, group="t.two", rate="2/h") == 0
    limit.accepted()
    limit.accepted()  # counting forgets the reading: the next question reads again
    assert limit.accepted_wait() > 0 and len(reads) == 2
    cache.clear()
