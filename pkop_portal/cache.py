"""The Redis cache backend of the portal: a connection error never reaches the request.

The cache holds only what may be lost (rate-limit counters, health probes); sessions and the
admin lock-outs live in the database. So when Redis is down or unreachable every call answers
as if the key were missing (`get` → default, `add` → False, `incr` → None, writes do nothing),
django-ratelimit then fails open (RATELIMIT_FAIL_OPEN), and the outage is logged once a
minute. After a failure the backend skips Redis for OUTAGE_COOLDOWN seconds, so an
unreachable host costs one connect timeout per cooldown, not one per call.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from pkop_portal.outages import Breaker

logger = logging.getLogger(__name__)

# What redis-py raises when the server is down, unreachable, too slow or restarting.
OUTAGE_ERRORS = (RedisError, OSError)


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache whose calls never raise a connection error (see the module doc).

    Settings: the usual BACKEND/LOCATION/OPTIONS (OPTIONS go to redis-py: keep
    socket_connect_timeout and socket_timeout short) and OUTAGE_COOLDOWN (seconds, default 5).
    `ping()` is the one call that raises, for the health check.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = Breaker(
            "cache (Redis)",
            consequence="rate limits fail open until it is back",
            cooldown=float(params.get("OUTAGE_COOLDOWN", 5.0)),
            log=logger,
        )

    def _soft(self, fallback, call, *args):
        if not self.breaker.allows():
            return fallback
        try:
            result = call(*args)
        except OUTAGE_ERRORS as exc:
            self.breaker.failure(exc)
            return fallback
        self.breaker.success()
        return result

    def ping(self) -> bool:
        """Ask Redis directly, bypassing the fail-soft layer; raises if it does not answer."""
        self._cache.get_client(write=True).ping()
        self.breaker.success()
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._soft({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._soft(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as in every Django cache.
        return self._soft(None, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft(None, super().delete_many, keys, version)

    def clear(self):
        return self._soft(False, super().clear)
