from celery import shared_task
from django.conf import settings

from notifications import services


@shared_task(name="notifications.deliver", ignore_result=True)
def deliver(*, notification_id: int) -> str:
    """Deliver one outbox row (idempotent: a second run for the same row sends nothing).

    A transient failure schedules the next attempt here with the backoff the service chose;
    should that scheduling fail, notifications.flush_outbox picks the row up when it is due.
    """
    row = services.notification_deliver(notification_id=notification_id)
    if row is None:
        return "missing"
    if row.retry_in is not None and not settings.CELERY_TASK_ALWAYS_EAGER:
        services.enqueue_delivery(notification_ids=[row.pk], countdown=row.retry_in.total_seconds())
    return row.status


@shared_task(name="notifications.flush_outbox", ignore_result=True)
def flush_outbox() -> int:
    """Re-queue pending rows that are due (runs every minute from beat)."""
    return services.outbox_flush()
