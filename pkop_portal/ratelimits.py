"""Per-client rate limits of the public forms (django-ratelimit, counted in the shared cache).

The client is `pkop_portal.clientip.client_ip` (settings.RATELIMIT_IP_META_KEY points here), so
behind the proxy every citizen has a bucket of their own; IPv6 clients are counted per /64 as
django-ratelimit does. A cache outage never fails a form: the portal's cache answers as if
empty and RATELIMIT_FAIL_OPEN lets the request through; should a cache backend raise anyway,
the request is let through here, and the outage is logged once a minute, not once a request.

Hotline groups ("hotline.*") are counted under `private_client_key`, a keyed HMAC of the
address that changes every UTC day, not under django-ratelimit's plain hash of it.

Counting a request costs one Redis round trip (`_count_in_redis`: SET NX with the bucket's
expiry and INCR, pipelined) in the very bucket django-ratelimit would use, so its reads
(`limit_reached`, `limit_wait`) see the same count; reading several buckets at once
(`limit_waits`, a public form's accepted and rejected ones) is one MGET. Other caches go
through django-ratelimit.
"""

import ipaddress
import logging
import math
import time
from datetime import UTC, datetime

import django_ratelimit.core as ratelimit_core
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext, ngettext
from django_ratelimit.core import get_usage

from pkop_portal import keys
from pkop_portal.cache import OUTAGE_ERRORS
from pkop_portal.clientip import client_ip
from pkop_portal.outages import Breaker

logger = logging.getLogger(__name__)

# Requests without any usable address (a misconfigured proxy) share one bucket rather than none.
UNKNOWN_CLIENT = "0.0.0.0"  # noqa: S104 (a bucket name; nothing binds to it)

# Only for its throttled logging: with no cooldown every request still tries the cache.
outage = Breaker(
    "rate-limit cache",
    consequence="requests are let through without a limit",
    cooldown=0.0,
    log=logger,
)


def ratelimit_ip(request) -> str:
    """The address django-ratelimit's "ip" key counts by (RATELIMIT_IP_META_KEY)."""
    return client_ip(request) or UNKNOWN_CLIENT


# Groups whose clients are hotline reporters (Policy No. 00-02): counted under a keyed hash.
PRIVATE_GROUP_PREFIXES = ("hotline.",)
PRIVATE_KEY_PURPOSE = "pkop.ratelimit.client"


def _network(ip: str) -> str:
    """The address as django-ratelimit counts it: IPv6 per /64 (RATELIMIT_IPV6_MASK)."""
    if ":" in ip:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    else:
        mask = getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    try:
        return str(ipaddress.ip_network(f"{ip}/{mask}", strict=False).network_address)
    except ValueError:
        return UNKNOWN_CLIENT


def private_client_key(group: str, request) -> str:
    """The bucket of a hotline client: an HMAC of its address under the portal's secret key,
    with a purpose that changes every UTC day. django-ratelimit would key the cache by a plain
    hash of group, rate and address, which anyone who reads the cache can reverse by trying
    every IPv4 address; this one cannot be reversed without the key, and yesterday's buckets
    cannot be linked to today's."""
    today = datetime.now(UTC).date().isoformat()
    return keys.keyed_hash(f"{PRIVATE_KEY_PURPOSE}:{today}", _network(ratelimit_ip(request)))


def _key_for(group: str):
    return private_client_key if group.startswith(PRIVATE_GROUP_PREFIXES) else "ip"


def _client(cache: RedisCache):
    """A redis-py client on the cache's write pool, made once per cache object: Django makes
    a new one (with its response-callback tables) on every call, which costs more CPU than
    the round trip."""
    client = getattr(cache, "_pkop_ratelimit_client", None)
    if client is None:
        client = cache._cache.get_client(write=True)
        cache._pkop_ratelimit_client = client
    return client


def _bucket(request, cache, *, group: str, rate: str) -> tuple[int, int, int, str]:
    """(limit, period, window end, cache key) of the client's bucket, exactly as django-ratelimit
    names it, so its reads and ours see one count."""
    limit, period = ratelimit_core._split_rate(rate)
    key = _key_for(group)
    value = key(group, request) if callable(key) else ratelimit_core._SIMPLE_KEYS[key](request)
    window = ratelimit_core._get_window(value, period)
    name = ratelimit_core._make_cache_key(group, window, rate, value, get_usage.ALL)
    return limit, period, window, cache.make_and_validate_key(name)


_DOWN = object()


def _through_breaker(cache: RedisCache, call):
    """`call()` (one Redis round trip) under the portal cache's breaker: `_DOWN` without trying
    while it knows Redis is down (fail open without waiting); an outage is recorded and raised."""
    breaker = getattr(cache, "breaker", None)
    if breaker is not None and not breaker.allows():
        return _DOWN
    try:
        result = call()
    except OUTAGE_ERRORS as exc:
        if breaker is not None:
            breaker.failure(exc)
        raise
    if breaker is not None:
        breaker.success()
    return result


def _waits_in_redis(request, cache: RedisCache, buckets) -> list[int] | None:
    """The wait of each of `buckets` ((group, rate) pairs) read with ONE round trip (MGET);
    None while the portal's cache knows Redis is down (fail open without waiting)."""
    found = [_bucket(request, cache, group=group, rate=rate) for group, rate in buckets]
    counts = _through_breaker(cache, lambda: _client(cache).mget([key for *_, key in found]))
    if counts is _DOWN:
        return None
    now = int(time.time())
    return [
        max(window - now, 1) if int(count or 0) >= limit else 0
        for (limit, _period, window, _key), count in zip(found, counts, strict=True)
    ]


def limit_waits(request, buckets) -> list[int]:
    """For each of `buckets` ((group, rate) pairs), the seconds until the client may be counted
    again (earlier counted requests only; this one is not counted), 0 while under its limit.
    One Redis round trip for all of them; fails open (0)."""
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if not isinstance(cache, RedisCache):
        return [limit_wait(request, group=group, rate=rate) for group, rate in buckets]
    try:
        waits = _waits_in_redis(request, cache, buckets)
    except OUTAGE_ERRORS as exc:
        outage.failure(exc)
        return [0] * len(buckets)
    outage.success()
    if waits is None:
        return [0] * len(buckets)
    if any(waits):
        request.ratelimit_wait = max(waits)
    return waits


def _count_in_redis(request, cache: RedisCache, *, group: str, rate: str) -> dict | None:
    """Count the request in django-ratelimit's bucket with one round trip; None while the
    portal's cache knows Redis is down (its breaker), to fail open without waiting."""
    limit, period, window, full_key = _bucket(request, cache, group=group, rate=rate)
    pipe = _client(cache).pipeline(transaction=False)
    pipe.set(full_key, 0, ex=period + ratelimit_core.EXPIRATION_FUDGE, nx=True)
    pipe.incr(full_key)
    done = _through_breaker(cache, pipe.execute)
    if done is _DOWN:
        return None
    count = done[-1]
    return {
        "count": count,
        "limit": limit,
        "should_limit": count > limit,
        "time_left": window - int(time.time()),
    }


def _usage(request, *, group: str, rate: str, increment: bool) -> dict | None:
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    try:
        if increment and isinstance(cache, RedisCache):
            usage = _count_in_redis(request, cache, group=group, rate=rate)
            if usage is None:
                return None
            outage.success()
            return usage
        usage = get_usage(
            request,
            group=group,
            key=_key_for(group),
            rate=rate,
            method=get_usage.ALL,
            increment=increment,
        )
    except OUTAGE_ERRORS as exc:
        outage.failure(exc)
        return None
    outage.success()
    return usage


def over_limit(request, *, group: str, rate: str) -> bool:
    """Count this request against `rate` for the client; True once it is over the limit.

    Never raises for a cache outage: then the request is not limited (fail open) and logged.
    Over the limit, the seconds to wait are left on the request for the 429 page
    (`request.ratelimit_wait`, read by pkop_portal.views.rate_limited).
    """
    usage = _usage(request, group=group, rate=rate, increment=True)
    if not usage or not usage["should_limit"]:
        return False
    request.ratelimit_wait = max(int(usage["time_left"]), 1)
    return True


def limit_reached(request, *, group: str, rate: str) -> bool:
    """Whether earlier counted requests already reached the limit (this one is not counted).

    Fails open like `over_limit`.
    """
    usage = _usage(request, group=group, rate=rate, increment=False)
    return bool(usage) and usage["count"] >= usage["limit"]


def limit_wait(request, *, group: str, rate: str) -> int:
    """Seconds until the client may be counted again, once earlier counted requests reached
    the limit (this one is not counted); 0 while under the limit. Fails open (0)."""
    usage = _usage(request, group=group, rate=rate, increment=False)
    if not usage or usage["count"] < usage["limit"]:
        return 0
    request.ratelimit_wait = max(int(usage["time_left"]), 1)
    return request.ratelimit_wait


def wait_text(seconds: int) -> str:
    """How long to wait, for a person: rounded up to whole minutes, hours from two hours on,
    days from two days on ("5 minutes", "3 hours"), in the active language."""
    minutes = max(math.ceil(seconds / 60), 1)
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = math.ceil(minutes / 60)
    if hours < 48:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = math.ceil(hours / 24)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


# --- public forms: accepted submissions and rejected attempts counted apart ------------------


def wait_error(seconds: int):
    """The error a form re-shown over its limit carries: how long to wait, in the active
    language; what was typed stays in the form."""
    return ValidationError(
        gettext(
            "This form has been sent too many times from your connection. Please try again "
            "in %(wait)s. What you typed is kept below; files must be chosen again."
        )
        % {"wait": wait_text(seconds)},
        code="rate_limited",
    )


def form_refused(form, error: ValidationError):
    """`form` (bound; not validated, so nothing of it is checked or stored) with `error` on
    top, to be re-shown with what was typed."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
    form.add_error(None, error)
    return form


class FormLimit:
    """The limits of one public form for one client (see `form_limit`)."""

    def __init__(self, request, *, group: str, rate: str, rejected_rate: str):
        self.request = request
        self.group = group
        self.rate = rate
        # Same prefix: hotline rejected attempts are keyed like its accepted ones.
        self.rejected_group = f"{group}.rejected"
        self.rejected_rate = rejected_rate
        # Both buckets are read together on the first question (`_waits`) and kept for the
        # request: the view asks before validating and again once the form is valid.
        self._read: tuple[int, int] | None = None

    def _waits(self) -> tuple[int, int]:
        """(accepted, rejected) waits, read once per request in one round trip."""
        if self._read is None:
            rejected, accepted = limit_waits(
                self.request,
                [(self.rejected_group, self.rejected_rate), (self.group, self.rate)],
            )
            self._read = (accepted, rejected)
        return self._read

    def accepted_wait(self) -> int:
        """Seconds until one more accepted submission may be made (0: now). Counts nothing."""
        return self._waits()[0]

    def rejected_wait(self) -> int:
        """Seconds until this client's rejected attempts let the form be checked again."""
        return self._waits()[1]

    def wait(self) -> int:
        """The longer of the two waits: 0 when the submission may go ahead."""
        return max(self._waits())

    def accepted(self) -> None:
        """Count a submission the portal accepted (a row created, a code request taken)."""
        self._read = None
        over_limit(self.request, group=self.group, rate=self.rate)

    def rejected(self) -> None:
        """Count a submission sent back with errors (against the generous rate)."""
        self._read = None
        over_limit(self.request, group=self.rejected_group, rate=self.rejected_rate)

    def refuse(self, form, seconds: int):
        """`form` unvalidated, with the wait error on top (`form_refused`), for a 429."""
        return form_refused(form, wait_error(seconds))


def form_limit(request, *, group: str, rate: str, rejected_rate: str) -> FormLimit:
    """The limits of a public form, so that a typo never locks anyone out: only ACCEPTED
    submissions count against `rate`; submissions sent back with errors count against
    `rejected_rate` (much more generous, in a bucket of their own, "<group>.rejected").

    The view asks `wait()` before it does the work (a resent form may still get its receipt),
    then counts the outcome with `accepted()` or `rejected()`. Fails open like the rest."""
    return FormLimit(request, group=group, rate=rate, rejected_rate=rejected_rate)
