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


def booking_list_for_staff():
    """Bookings with the citizen's no-show count, in a fixed number of queries."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from reception.models import Booking

    no_shows = (
        Booking.objects.filter(iin=OuterRef("iin"), status=Booking.Status.NO_SHOW)
        .order_by()
        .values("iin")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Booking.objects.select_related("slot", "manager", "appeal").annotate(
        no_show_count=Coalesce(Subquery(no_shows, output_field=IntegerField()), 0)
    )


def booking_agenda(*, day, manager_id: int | None = None):
    """A day's bookings (local day), in order, for the printable agenda."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=workdays.LOCAL_TZ)
    queryset = booking_list_for_staff().filter(
        slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=1)
    )
    if manager_id:
        queryset = queryset.filter(manager_id=manager_id)
    return queryset.exclude(status__in=["cancelled_by_citizen", "cancelled_by_staff"]).order_by(
        "manager__position", "slot__starts_at", "seat"
    )


def booking_conflict_ids() -> list[int]:
    """Active bookings whose day became non-working, that fall in an absence or a cancelled
    slot, or whose slot no longer matches its schedule (rule removed or changed)."""
    from reception.models import Absence, Booking
    from reception.slots import rule_applies, slot_times_for_rule

    ids = []
    working: dict = {}  # one calendar lookup per distinct day, not per booking
    absences = {}
    for absence in Absence.objects.all():
        absences.setdefault(absence.manager_id, []).append(absence)
    for booking in Booking.objects.filter(is_active=True).select_related("slot", "slot__rule"):
        slot = booking.slot
        day = slot.starts_at.astimezone(workdays.LOCAL_TZ).date()
        absent = any(
            a.start_date <= day <= a.end_date for a in absences.get(booking.manager_id, [])
        )
        off_schedule = slot.rule is None or not (
            rule_applies(slot.rule, day)
            and (slot.starts_at, slot.ends_at) in slot_times_for_rule(slot.rule, day)
        )
        if day not in working:
            working[day] = workdays.is_working_day(day)
        if slot.is_cancelled or absent or off_schedule or not working[day]:
            ids.append(booking.pk)
    return ids
