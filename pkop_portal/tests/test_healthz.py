import json
import time

import pytest

from pkop_portal.tests.servers import SilentServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_server():
    with SilentServer() as server:
        yield server.url


def test_healthz_ok_without_broker_reports_each_dependency(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "database": "ok",
        "cache": "ok",
        "broker": "not configured",
        "status": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_broker_is_really_down(client, settings):
    # Nothing listens on port 1: the connection is refused for real, no mock.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_healthz_503_when_cache_is_really_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["cache"].startswith("error: ")


@pytest.mark.redis
def test_healthz_ok_with_real_redis_broker_and_cache(client, settings):
    settings.CELERY_BROKER_URL = settings.TEST_REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.TEST_REDIS_URL,
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "status": "ok",
    }


@pytest.mark.postgres
def test_healthz_checks_postgresql_when_configured(client, settings):
    from django.db import connection

    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert connection.vendor == "postgresql"
    assert response.status_code == 200
    assert json.loads(response.content)["database"] == "ok"


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_BROKER_URL = ""
    assert client.get("/healthz").status_code == 200
    assert client.get("/en/").status_code == 301


def test_healthz_503_when_the_portal_cache_is_down_though_requests_never_see_it(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "database": "ok",
        "cache": "error: ConnectionError",
        "broker": "not configured",
        "status": "unavailable",
    }


def test_healthz_answers_503_within_seconds_when_cache_and_broker_hang(
    client, settings, silent_server
):
    settings.CACHES = {
        "default": {
            "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
            "LOCATION": silent_server,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }
    settings.CELERY_BROKER_URL = silent_server
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["cache"] == "error: TimeoutError"
    assert body["broker"].startswith("error: ")
    assert elapsed < 3.0
