"""Periodic jobs of the portal itself (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task(name="pkop_portal.clear_sessions", ignore_result=True)
def clear_sessions() -> None:
    """Delete expired sessions, as `manage.py clearsessions` does (beat, daily).

    Idempotent: a second run finds nothing more to delete.
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
