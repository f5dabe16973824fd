"""The Celery application. Broker from CELERY_BROKER_URL or REDIS_URL (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkop_portal.settings")

app = Celery("pkop_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
