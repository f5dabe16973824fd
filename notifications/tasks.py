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
    return _outcome(services.notification_deliver(notification_id=notification_id))


def _outcome(row) -> str:
    if row is None:
        return "missing"
    if row.retry_in is not None and not settings.CELERY_TASK_ALWAYS_EAGER:
        services.enqueue_delivery(notification_ids=[row.pk], countdown=row.retry_in.total_seconds())
    return row.status


# The same limits for the whole batch: each row's send is bounded by the socket timeouts, and a
# batch is only NOTIFICATIONS_DELIVER_BATCH rows; a row cut off by the limit is recovered like a
# crashed send (see settings).
@shared_task(
    name="notifications.deliver_batch",
    ignore_result=True,
    soft_time_limit=settings.NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFICATIONS_DELIVER_TIME_LIMIT,
)
def deliver_batch(*, notification_ids: list[int]) -> list[str]:
    """Deliver several outbox rows, one after the other, as `deliver` would each (queued for a
    backlog, see services.enqueue_delivery). Idempotent per row."""
    rows = services.notification_deliver_batch(notification_ids=notification_ids)
    return [_outcome(row) for row in rows]


@shared_task(name="notifications.flush_outbox", ignore_result=True)
def flush_outbox() -> int:
    """Re-queue due pending rows and rows left "sending" by a dead worker (beat, every
    NOTIFICATIONS_FLUSH_SECONDS)."""
    return services.outbox_flush()
