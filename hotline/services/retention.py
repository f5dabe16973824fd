"""Retention of hotline reports: a closed report is anonymised HOTLINE_RETENTION_YEARS (default
5) after it was closed, unless it is under legal hold.

Anonymising clears the reporter's identity and notice e-mail, replaces what happened, when,
where and who with a neutral marker, clears the conclusion's reasons and the history notes,
deletes the messages and the attachments (their files are removed from storage after the
commit), and writes the event ANONYMISED. What the statistics need stays: number, category,
reporter type, status, conclusion, severity, the referral and every date. Idempotent: an
anonymised report is never picked again.
"""

import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hotline import enums
from hotline.models import Report, ReportAttachment, ReportEvent, ReportMessage

logger = logging.getLogger(__name__)

# What replaces the reporter's text: stored data, deliberately not translated.
MARKER = "[anonymised]"


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Reports closed before this instant are past their retention period."""
    return (now or timezone.now()) - relativedelta(years=settings.HOTLINE_RETENTION_YEARS)


def reports_past_retention(now: datetime | None = None):
    return Report.objects.filter(
        status=enums.Status.CLOSED,
        closed_at__lt=retention_cutoff(now),
        legal_hold=False,
        anonymised_at__isnull=True,
    )


def _delete_files(names: list[str]) -> None:
    storage = ReportAttachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # The row is gone; a file left behind is reported, not retried.
            logger.warning("hotline retention: could not delete a stored file", exc_info=True)


@transaction.atomic
def report_anonymise(*, report_id: int, now: datetime | None = None) -> bool:
    """Anonymise one report if it is (still, under the lock) past retention. Returns whether
    it was anonymised."""
    now = now or timezone.now()
    report = reports_past_retention(now).select_for_update().filter(pk=report_id).first()
    if report is None:
        return False
    attachments = ReportAttachment.objects.filter(report=report)
    names = [name for name in attachments.values_list("file", flat=True) if name]
    attachments.delete()
    ReportMessage.objects.filter(report=report).delete()
    ReportEvent.objects.filter(report=report).exclude(note="").update(note="")
    report.identity_sealed = ""
    report.notice_email_sealed = ""
    report.form_key_hash = None
    report.description = MARKER
    report.occurred = MARKER if report.occurred else ""
    report.location = MARKER if report.location else ""
    report.people_involved = MARKER if report.people_involved else ""
    report.conclusion_reasons = MARKER if report.conclusion_reasons else ""
    report.anonymised_at = now
    report.save()
    ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.ANONYMISED, by=None)
    transaction.on_commit(lambda: _delete_files(names))
    return True


def reports_anonymise_expired(*, now: datetime | None = None) -> int:
    """Anonymise every report past retention (the daily beat task). Returns how many; each in
    its own transaction, so one failure does not undo the others."""
    ids = list(reports_past_retention(now).order_by("closed_at", "id").values_list("pk", flat=True))
    return sum(report_anonymise(report_id=report_id, now=now) for report_id in ids)
