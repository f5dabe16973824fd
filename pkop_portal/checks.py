"""System checks for what the portal's deadlines depend on."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_time_zone(app_configs=None, **kwargs):
    """Asia/Almaty moved to UTC+05:00 on 1 March 2024; older tzdata computes wrong deadlines."""
    errors = []
    if settings.TIME_ZONE != "Asia/Almaty" or not settings.USE_TZ:
        errors.append(
            Error(
                "TIME_ZONE must be 'Asia/Almaty' with USE_TZ = True.",
                id="pkop_portal.E001",
            )
        )
    try:
        offset = datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("Asia/Almaty")).utcoffset()
    except ZoneInfoNotFoundError:
        offset = None
    if offset != timedelta(hours=5):
        errors.append(
            Error(
                f"Asia/Almaty is {offset} on 2026-01-01, expected UTC+05:00.",
                hint="Install tzdata 2024a or newer (pip install -r requirements.txt).",
                id="pkop_portal.E002",
            )
        )
    return errors


@register(deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    """Rate limits and lock-outs count in the cache: every web process must share it."""
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower() and "memcached" not in backend.lower():
        return [
            Error(
                f"The default cache ({backend}) is not shared between processes.",
                hint="Set REDIS_URL (or CACHE_URL) to a Redis server.",
                id="pkop_portal.E003",
            )
        ]
    return []
