"""`/healthz` keeps one broker connection per process instead of opening one per probe.

Counted by the broker itself: a redis-server of the test's own, whose INFO and CLIENT LIST see
every connection the portal opens.
"""

import json

import pytest
import redis

from pkop_portal import views
from pkop_portal.tests.servers import RedisServer

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def broker(settings):
    with RedisServer() as server:
        settings.CELERY_BROKER_URL = server.url
        yield server
    views._broker_clients.pop(server.url, None)


def connections_received(admin: redis.Redis) -> int:
    return admin.info("stats")["total_connections_received"]


def healthz_clients(admin: redis.Redis) -> list[dict]:
    return [c for c in admin.client_list() if c["name"] == "pkop-healthz"]


def test_twenty_probes_open_at_most_one_broker_connection(client, broker):
    admin = redis.Redis.from_url(broker.url)
    before = connections_received(admin)  # this admin connection is already counted

    bodies = [json.loads(client.get("/healthz").content) for _ in range(20)]

    assert [body["broker"] for body in bodies] == ["ok"] * 20
    assert connections_received(admin) - before == 1
    assert len(healthz_clients(admin)) == 1


def test_probe_reconnects_after_the_broker_restarts_and_reports_the_outage(client, broker):
    assert json.loads(client.get("/healthz").content)["broker"] == "ok"
    broker.stop()
    down = client.get("/healthz")
    assert down.status_code == 503
    assert json.loads(down.content)["broker"].startswith("error: ")
    broker.start()

    bodies = [json.loads(client.get("/healthz").content) for _ in range(5)]

    assert [body["broker"] for body in bodies] == ["ok"] * 5
    admin = redis.Redis.from_url(broker.url)
    assert len(healthz_clients(admin)) == 1
