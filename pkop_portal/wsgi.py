import os

from django.core.wsgi import get_wsgi_application

from pkop_portal.celery import log_task_mode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkop_portal.settings")
application = get_wsgi_application()

# Once per server process (runserver, gunicorn worker), not at every manage.py command.
log_task_mode()
