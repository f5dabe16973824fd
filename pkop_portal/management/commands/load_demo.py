"""Load demo data for `make run`. Idempotent: a second run changes nothing.

The staff login is printed last, so nothing the demo data prints can bury it.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from appeals.demo import appeal_demo_load
from charity.demo import charity_demo_load
from hotline.demo import hotline_demo_load
from pkop_portal.models import StaffProfile
from reception.demo import reception_demo_load

# The demo appeals notify their (fictitious) applicants through the outbox like real ones: the
# rows are delivered, so the admin shows them as sent, but to backends that neither print nor
# send, whatever e-mail or SMS backend the developer has configured.
SILENT_DELIVERY = {
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "SMS_BACKEND": "notifications.sms.LocmemSMSBackend",
}
FROM_ENVIRONMENT = "the value of DJANGO_DEMO_ADMIN_PASSWORD"


@dataclass(frozen=True)
class StaffLogin:
    username: str
    password: str  # what to print on the password line
    created: bool


# The demo Head's position, under their name on the answers they sign.
DEMO_HEAD_POSITION = {
    "position_kk": "Азаматтардың өтініштерімен жұмыс бөлімінің басшысы",
    "position_ru": "Руководитель отдела по работе с обращениями граждан",
    "position_en": "Head of the Citizens' Appeals Department",
    "position_zh_hans": "公民诉求工作部负责人",
}


def demo_staff_user() -> StaffLogin:
    """Create the demo superuser (group Head) once; set DJANGO_DEMO_ADMIN_PASSWORD when given.

    A random password is returned only when the user is created: it is never stored in clear,
    so later runs can only say where it was shown."""
    username = settings.DEMO_ADMIN_USERNAME
    wanted = settings.DEMO_ADMIN_PASSWORD
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        password = wanted or secrets.token_urlsafe(12)
        user = user_model.objects.create_superuser(
            username=username,
            email=f"{username}@localhost",
            password=password,
            # An answer is signed with the officer's full name and position.
            first_name="Ерлан",
            last_name="Сейтқали",
        )
        user.groups.set(Group.objects.filter(name="Head"))
        StaffProfile.objects.create(user=user, **DEMO_HEAD_POSITION)
        shown = FROM_ENVIRONMENT if wanted else password
        return StaffLogin(username=username, password=shown, created=True)
    if wanted:
        if not user.check_password(wanted):
            user.set_password(wanted)
            user.save(update_fields=["password"])
        return StaffLogin(username=username, password=FROM_ENVIRONMENT, created=False)
    return StaffLogin(
        username=username,
        password=(
            "printed when this user was created; to choose a new one run "
            f"`.venv/bin/python manage.py changepassword {username}`"
        ),
        created=False,
    )


class Command(BaseCommand):
    help = "Create the demo staff superuser and demo data once, then print how to log in."

    def handle(self, *args, **options):
        # The override wraps the transaction: deliveries run on commit, when it ends.
        with override_settings(**SILENT_DELIVERY), transaction.atomic():
            login = demo_staff_user()
            appeals = appeal_demo_load()
            managers = reception_demo_load()
            charity = charity_demo_load()
            hotline = hotline_demo_load()

        if appeals:
            self.stdout.write(f"Demo appeals created: {appeals}")
        if managers:
            self.stdout.write(f"Demo managers with reception schedules: {managers}")
        if charity.requests:
            self.stdout.write(f"Demo charity requests created: {charity.requests}")
        if charity.projects:
            self.stdout.write(f"Demo social projects created: {charity.projects}")
        if hotline.reports:
            self.stdout.write(f"Demo hotline reports created: {hotline.reports}")
        if not (
            appeals
            or managers
            or charity.requests
            or charity.projects
            or hotline.reports
            or login.created
        ):
            self.stdout.write("Demo data already loaded.")
        for demo in hotline.logins:
            # Compliance only: the staff superuser below sees no hotline report.
            self.stdout.write(f"Hotline (Compliance) login, shown only once: {demo.username}")
            self.stdout.write(f"  password: {demo.password}")
        title = "Staff login (the password is shown only this once):"
        if not login.created:
            title = "Staff login:"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(title))
        self.stdout.write(f"  URL:      {settings.PORTAL_BASE_URL.rstrip('/')}/admin/")
        self.stdout.write(f"  username: {login.username}")
        self.stdout.write(f"  password: {login.password}")
