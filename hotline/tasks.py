"""Periodic and background jobs of the hotline (beat schedule in pkop_portal.settings)."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings

from hotline import deadlines, notices
from hotline.services import retention

logger = logging.getLogger(__name__)


@shared_task(name="hotline.send_deadline_reminders", ignore_result=True)
def send_deadline_reminders() -> int:
    """Daily: reports due for acknowledgement or feedback within 2 days or overdue, by number."""
    return deadlines.deadline_reminders_send()


@shared_task(name="hotline.anonymise_expired", ignore_result=True)
def anonymise_expired() -> int:
    """Daily: anonymise closed reports past HOTLINE_RETENTION_YEARS, not under legal hold."""
    return retention.reports_anonymise_expired()


@shared_task(
    name="hotline.send_reporter_notice",
    bind=True,
    ignore_result=True,
    max_retries=8,
    default_retry_delay=600,
)
def send_reporter_notice(self, *, report_id: int) -> str:
    """Send the reporter's "there is news" e-mail; the address is decrypted here, at send time,
    and kept nowhere else in clear (see hotline.notices)."""
    try:
        return notices.reporter_notice_send(report_id=report_id)
    except (smtplib.SMTPException, OSError) as exc:
        # The message names neither the address nor the report's content.
        logger.warning("hotline reporter notice %s: %s", report_id, exc.__class__.__name__)
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return "failed"
        raise self.retry(exc=exc) from None


def queue_reporter_notice(*, report_id: int) -> bool:
    """Queue send_reporter_notice (after a commit). A broker failure is logged, never raised:
    the reporter still sees the news on the follow-up page."""
    try:
        send_reporter_notice.apply_async(kwargs={"report_id": report_id}, retry=False)
    except Exception:
        logger.warning("could not queue the hotline reporter notice %s", report_id, exc_info=True)
        return False
    return True
