"""Suite-wide pytest configuration: service-dependent tests skip with a reason, fail under CI."""

import os

import pytest
from django.conf import settings

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
