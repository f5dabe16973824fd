"""Production settings for Redis outages and crash recovery, read in fresh interpreters."""

import json

import pytest

from pkop_portal.tests.test_settings import PROD_ENV, run_manage

PRINT = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'cache': s.CACHES['default'], 'fail_open': s.RATELIMIT_FAIL_OPEN, "
    "'ip_key': s.RATELIMIT_IP_META_KEY, 'sessions': s.SESSION_ENGINE, 'axes': s.AXES_HANDLER, "
    "'broker': s.CELERY_BROKER_TRANSPORT_OPTIONS}))"
)


def production_settings(**extra: str) -> dict:
    result = run_manage("shell", "-c", PRINT, env={**PROD_ENV, **extra})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cache_on_redis_never_fails_a_request():
    values = production_settings()
    assert values["cache"] == {
        "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
        "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        "OUTAGE_COOLDOWN": 5.0,
    }
    assert values["fail_open"] is True
    assert values["ip_key"] == "pkop_portal.ratelimits.ratelimit_ip"
    # What must survive a Redis outage lives in the database.
    assert values["sessions"] == "django.contrib.sessions.backends.db"
    assert values["axes"] == "axes.handlers.database.AxesDatabaseHandler"
    assert values["broker"]["socket_connect_timeout"] == 1.0
    assert values["broker"]["socket_timeout"] == 2.0
    assert values["broker"]["max_retries"] == 0


def test_cache_timeouts_come_from_the_environment():
    values = production_settings(
        CACHE_CONNECT_TIMEOUT="0.1", CACHE_SOCKET_TIMEOUT="0.2", CACHE_OUTAGE_COOLDOWN="9"
    )
    assert values["cache"]["OPTIONS"] == {"socket_connect_timeout": 0.1, "socket_timeout": 0.2}
    assert values["cache"]["OUTAGE_COOLDOWN"] == 9.0


@pytest.mark.parametrize(
    "env",
    [
        {"NOTIFICATIONS_DELIVER_TIME_LIMIT": "80"},  # above the sending timeout (75)
        {"NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT": "60"},  # not below the hard limit (60)
        {"EMAIL_TIMEOUT": "45"},  # not below the soft limit (45)
        {"SMS_GATEWAY_TIMEOUT": "50"},
    ],
)
def test_delivery_timeouts_that_would_let_a_live_send_be_taken_over_refuse_to_start(env):
    result = run_manage("check", env={**PROD_ENV, **env})
    assert result.returncode != 0
    assert "Delivery timeouts must grow" in result.stderr
