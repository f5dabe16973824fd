import os

from django.core.asgi import get_asgi_application

from pkop_portal.celery import log_task_mode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkop_portal.settings")
application = get_asgi_application()

# Once per server process, not at every manage.py command.
log_task_mode()
