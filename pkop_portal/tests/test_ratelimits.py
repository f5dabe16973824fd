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
