"""Per-client rate limits of the public forms (django-ratelimit, counted in the shared cache).

The client is `pkop_portal.clientip.client_ip` (settings.RATELIMIT_IP_META_KEY points here), so
behind the proxy every citizen has a bucket of their own; IPv6 clients are counted per /64 as
django-ratelimit does. A cache outage never fails a form: the portal's cache answers as if
empty and RATELIMIT_FAIL_OPEN lets the request through; should a cache backend raise anyway,
the request is let through here, and the outage is logged once a minute, not once a request.

Hotline groups ("hotline.*") are counted under `private_client_key`, a keyed HMAC of the
address that changes every UTC day, not under django-ratelimit's plain hash of it.
"""

import ipaddress
import logging
import math
from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import ngettext
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


def _usage(request, *, group: str, rate: str, increment: bool) -> dict | None:
    try:
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
    """
    usage = _usage(request, group=group, rate=rate, increment=True)
    return bool(usage) and usage["should_limit"]


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
    return max(int(usage["time_left"]), 1)


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
