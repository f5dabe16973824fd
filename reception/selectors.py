"""Reads of schedules and free slots for the public pages."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from pkop_portal import workdays
from reception.models import Manager, Slot


def _window(now: datetime) -> tuple[datetime, datetime]:
    today = now.astimezone(workdays.LOCAL_TZ).date()
    first = today + timedelta(days=settings.RECEPTION_MIN_NOTICE_DAYS)
    last = today + timedelta(days=settings.RECEPTION_HORIZON_DAYS + 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=workdays.LOCAL_TZ)
    end = datetime.combine(last, datetime.min.time(), tzinfo=workdays.LOCAL_TZ)
    return start, end


def _slots_free(*, now: datetime) -> QuerySet[Slot]:
    """Bookable slots inside the window with at least one free seat (any manager)."""
    start, end = _window(now)
    return (
        Slot.objects.filter(is_cancelled=False, starts_at__gte=start, starts_at__lt=end)
        .annotate(taken=Count("bookings", filter=Q(bookings__is_active=True)))
        .filter(capacity__gt=F("taken"))
    )


def slot_list_free(*, manager: Manager, now: datetime) -> QuerySet[Slot]:
    """Bookable slots of `manager` inside the window with at least one free seat."""
    return _slots_free(now=now).filter(manager=manager).order_by("starts_at")


def slot_next_free_by_manager(
    *, manager_ids: list[int], now: datetime, per_manager: int = 3
) -> dict[int, list[Slot]]:
    """The first `per_manager` free slots of each manager in `manager_ids`, by manager id
    (managers without a free slot are missing). One query whatever the number of managers:
    a row number per manager, filtered on (Django wraps the window in a subquery)."""
    if not manager_ids:
        return {}
    slots = (
        _slots_free(now=now)
        .filter(manager_id__in=manager_ids)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("manager_id")], order_by=F("starts_at").asc())
        )
        .filter(rank__lte=per_manager)
        .only("pk", "manager_id", "starts_at", "capacity")
        .order_by("manager_id", "starts_at")
    )
    by_manager: dict[int, list[Slot]] = {}
    for slot in slots:
        by_manager.setdefault(slot.manager_id, []).append(slot)
    return by_manager


def manager_list_public() -> QuerySet[Manager]:
    """Managers who receive citizens, in display order (the list page shows no rules)."""
    return Manager.objects.filter(is_active=True)


def manager_rows_public(*, now: datetime, per_manager: int = 3) -> list[tuple[Manager, list[Slot]]]:
    """(manager, their next `per_manager` free slots) for the public list: two queries."""
    managers = list(manager_list_public())
    free = slot_next_free_by_manager(
        manager_ids=[m.pk for m in managers], now=now, per_manager=per_manager
    )
    return [(manager, free.get(manager.pk, [])) for manager in managers]


def booking_list_for_staff():
    """Bookings with the citizen's no-show count, in a fixed number of queries."""
    from django.db.models import Case, IntegerField, OuterRef, Subquery, When
    from django.db.models.functions import Coalesce

    from reception.models import Booking

    def no_shows(column: str):
        # The citizen's no-shows by their IIN, or by their document without one; never by an
        # empty column (every booking of the other kind has it empty).
        return Subquery(
            Booking.objects.filter(
                ~Q(**{column: ""}), **{column: OuterRef(column)}, status=Booking.Status.NO_SHOW
            )
            .order_by()
            .values(column)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        )

    return Booking.objects.select_related("slot", "manager", "appeal").annotate(
        no_show_count=Coalesce(
            Case(
                When(~Q(iin=""), then=no_shows("iin")),
                default=no_shows("id_document_number"),
            ),
            0,
        )
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
