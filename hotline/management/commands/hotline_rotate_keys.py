"""Re-encrypt every hotline identity and notice e-mail with the current key.

After putting a new key first in HOTLINE_IDENTITY_KEYS, run this command; when it reports no
failures, the old key can be removed from the list."""

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hotline import crypto
from hotline.models import Report

SEALED_FIELDS = ("identity_sealed", "notice_email_sealed")


class Command(BaseCommand):
    help = "Re-encrypt hotline identities and notice e-mails with the current key."

    def handle(self, *args, **options):
        rotated = failed = 0
        reports = Report.objects.exclude(identity_sealed="", notice_email_sealed="").only(
            "pk", *SEALED_FIELDS
        )
        for pk in reports.values_list("pk", flat=True).order_by("pk"):
            with transaction.atomic():
                report = Report.objects.select_for_update().only("pk", *SEALED_FIELDS).get(pk=pk)
                try:
                    values = {name: crypto.rotate(getattr(report, name)) for name in SEALED_FIELDS}
                except InvalidToken:
                    failed += 1
                    self.stderr.write(f"{pk}: no configured key opens this report's identity")
                    continue
                Report.objects.filter(pk=pk).update(**values)
                rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} report(s); {failed} could not be opened.")
        if failed:
            raise CommandError("Some reports could not be re-encrypted: keep their old key.")
