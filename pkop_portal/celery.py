"""The Celery application. Broker from CELERY_BROKER_URL or REDIS_URL (see settings)."""

import logging
import os

from celery import Celery
from celery.signals import beat_init, celeryd_after_setup, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkop_portal.settings")

logger = logging.getLogger("pkop_portal")

app = Celery("pkop_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Without a broker, tasks run eagerly, yet Celery still takes a producer from its connection pool
# to serialise their arguments; an empty broker URL makes kombu assume AMQP and warn "No hostname
# was supplied". The in-memory transport, with its host named, never touches the network.
NO_BROKER_URL = "memory://localhost/"


@task_prerun.connect
@task_postrun.connect
def _recycle_old_database_connections(sender=None, **kwargs):
    """Close a worker's database connection only when Django would close a web request's: too
    old (CONN_MAX_AGE), broken, or left outside autocommit. Celery's own fix-up would close it
    around every task (settings.CELERY_DB_REUSE_MAX turns that off), costing a connection and a
    PostgreSQL backend with cold caches per task. Inline (eager) tasks run inside the caller's
    request and transaction: never touched."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections  # app loading: Django is set up by the worker

    close_old_connections()


@app.on_after_configure.connect
def _in_memory_transport_without_broker(sender, source, **kwargs):
    if not source.broker_url:
        source.broker_url = NO_BROKER_URL


def log_task_mode() -> None:
    """Log where this process sends tasks: once per web server or worker process, at start."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL:
        logger.info("Celery: broker %s", mask_url(settings.CELERY_BROKER_URL))
    else:
        logger.info(
            "Celery: no broker configured, tasks run eagerly in this process "
            "(set REDIS_URL or CELERY_BROKER_URL to use a worker)"
        )


@celeryd_after_setup.connect
def _log_worker_broker(sender, instance, **kwargs):
    from django.conf import settings

    if settings.CELERY_BROKER_URL:
        log_task_mode()
    else:
        logger.warning(
            "Celery: no broker configured, so this worker receives no tasks "
            "(set REDIS_URL or CELERY_BROKER_URL)"
        )


@beat_init.connect
def _log_beat_broker(sender, **kwargs):
    log_task_mode()


def mask_url(url: str) -> str:
    """Hide the password of a service URL before it goes to a log."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)
