import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("pkop_portal")


class PkopPortalConfig(AppConfig):
    name = "pkop_portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.conf import settings

        from pkop_portal import checks  # noqa: F401  (registers the system checks)

        if settings.CELERY_TASK_ALWAYS_EAGER and not settings.CELERY_BROKER_URL:
            logger.info("Celery: no broker configured, tasks run eagerly in this process")
        else:
            logger.info("Celery: broker %s", mask_url(settings.CELERY_BROKER_URL))


def mask_url(url: str) -> str:
    """Hide the password of a service URL before it goes to a log."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)
