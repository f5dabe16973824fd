"""Send the portal.test notification, to check e-mail and SMS delivery end to end."""

import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notifications.services import Preference, Recipient, notify


class Command(BaseCommand):
    help = "Queue a test notification to an e-mail address and/or phone number."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument(
            "--language", default="kk", choices=[code for code, _ in settings.LANGUAGES]
        )

    def handle(self, *args, email, phone, language, **options):
        if not email and not phone:
            raise CommandError("Give --email and/or --phone.")
        with transaction.atomic():
            rows = notify(
                event="portal.test",
                to=Recipient(email=email, phone=phone, prefers=Preference.BOTH),
                language=language,
                context={"requested_by": "manage.py send_test_notification"},
                dedupe_key=f"portal.test:{uuid.uuid4()}",
            )
        for row in rows:
            row.refresh_from_db()
            self.stdout.write(f"notification {row.pk}: {row.channel} {row.status}")
