from celery import shared_task
from django.conf import settings

from notifications import services


# The limits that bound how long a row can be "sending" (the reasoning is in settings).
@shared_task(
    name="notifications.deliver",
    ignore_result=True,
    soft_time_limit=settings.NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFICATIONS_DELIVER_TIME_LIMIT,
)
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
    """Re-queue due pending rows and rows left "sending" by a dead worker (beat, every
    NOTIFICATIONS_FLUSH_SECONDS)."""
    return services.outbox_flush()
