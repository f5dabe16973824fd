"""Reads of schedules and free slots for the public pages."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet

from pkop_portal import workdays
from reception.models import Manager, Slot


def _window(now: datetime) -> tuple[datetime, datetime]:
    today = now.astimezone(workdays.LOCAL_TZ).date()
    first = today + timedelta(days=settings.RECEPTION_MIN_NOTICE_DAYS)
    last = today + timedelta(days=settings.RECEPTION_HORIZON_DAYS + 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=workdays.LOCAL_TZ)
    end = datetime.combine(last, datetime.min.time(), tzinfo=workdays.LOCAL_TZ)
    return start, end


def slot_list_free(*, manager: Manager, now: datetime) -> QuerySet[Slot]:
    """Bookable slots of `manager` inside the window with at least one free seat."""
    start, end = _window(now)
    return (
        Slot.objects.filter(
            manager=manager, is_cancelled=False, starts_at__gte=start, starts_at__lt=end
        )
        .annotate(taken=Count("bookings", filter=Q(bookings__is_active=True)))
        .filter(capacity__gt=F("taken"))
        .order_by("starts_at")
    )


def manager_list_public() -> QuerySet[Manager]:
    return Manager.objects.filter(is_active=True).prefetch_related("rules")
