"""Load demo data for `make run`. Idempotent: a second run changes nothing."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo staff superuser (password printed once) and demo data."

    @transaction.atomic
    def handle(self, *args, **options):
        login = None
        user_model = get_user_model()
        username = settings.DEMO_ADMIN_USERNAME
        wanted = settings.DEMO_ADMIN_PASSWORD
        user = user_model.objects.filter(username=username).first()
        if user is None:
            password = wanted or secrets.token_urlsafe(12)
            user = user_model.objects.create_superuser(
                username=username, email=f"{username}@localhost", password=password
            )
            user.groups.set(Group.objects.filter(name="Head"))
            self.stdout.write(self.style.SUCCESS("Demo staff login (shown once):"))
            self.stdout.write("  URL:      http://127.0.0.1:8000/admin/")
            self.stdout.write(f"  username: {username}")
            self.stdout.write(f"  password: {password}")
        elif wanted and not user.check_password(wanted):
            user.set_password(wanted)
            user.save(update_fields=["password"])
            self.stdout.write(
                f"Demo staff login: {username} / password from DJANGO_DEMO_ADMIN_PASSWORD"
            )
        else:
            self.stdout.write(
                f"Demo staff user '{username}' exists; its password was printed when it was "
                "created (set DJANGO_DEMO_ADMIN_PASSWORD to choose one)."
            )
        from appeals.demo import appeal_demo_load

        created = appeal_demo_load()
        if created:
            self.stdout.write(f"Demo appeals created: {created}")
        from reception.demo import reception_demo_load

        managers = reception_demo_load()
        if managers:
            self.stdout.write(f"Demo managers with reception schedules: {managers}")
        if login:
            # Printed last, so the console e-mails of the demo data do not bury it.
            self.stdout.write(self.style.SUCCESS("Demo staff login (shown once):"))
            self.stdout.write("  URL:      http://127.0.0.1:8000/admin/")
            self.stdout.write(f"  username: {username}")
            self.stdout.write(f"  password: {login}")
