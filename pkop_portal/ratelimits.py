"""Per-IP rate limits of the public forms (django-ratelimit, counted in the shared cache)."""

from django_ratelimit.core import get_usage, is_ratelimited


def over_limit(request, *, group: str, rate: str) -> bool:
    """Count this request against `rate` for the client IP; True once it is over the limit."""
    return is_ratelimited(
        request, group=group, key="ip", rate=rate, method=is_ratelimited.ALL, increment=True
    )


def limit_reached(request, *, group: str, rate: str) -> bool:
    """Whether earlier counted requests already reached the limit (this one is not counted)."""
    usage = get_usage(request, group=group, key="ip", rate=rate)
    return bool(usage) and usage["count"] >= usage["limit"]
