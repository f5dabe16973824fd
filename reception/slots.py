"""Materialising bookable slots from the weekly rules, the work calendar and absences."""

from datetime import date, datetime, timedelta

from django.db import transaction

from pkop_portal import workdays
from reception.models import Absence, Manager, ScheduleRule, Slot


def rule_applies(rule: ScheduleRule, day: date) -> bool:
    if day < rule.valid_from or (rule.valid_to and day > rule.valid_to):
        return False
    if day.isoweekday() not in rule.weekday_numbers:
        return False
    # Every N weeks, counted from the week of valid_from.
    start_week_day = rule.valid_from - timedelta(days=rule.valid_from.weekday())
    weeks = ((day - timedelta(days=day.weekday())) - start_week_day).days // 7
    return weeks % rule.every_n_weeks == 0


def slot_times_for_rule(rule: ScheduleRule, day: date) -> list[tuple[datetime, datetime]]:
    """Start and end of each slot of `rule` on `day`, in Asia/Almaty (whole slots only)."""
    start = datetime.combine(day, rule.start_time, tzinfo=workdays.LOCAL_TZ)
    end_of_session = datetime.combine(day, rule.end_time, tzinfo=workdays.LOCAL_TZ)
    length = timedelta(minutes=rule.slot_minutes)
    times = []
    while start + length <= end_of_session:
        times.append((start, start + length))
        start += length
    return times


def slots_generate(*, manager: Manager, start: date, end: date) -> int:
    """Create the missing slots of `manager` for days start..end (inclusive); idempotent.

    Slots exist only on working days of the work calendar and never during an absence.
    Existing slots are left alone (their bookings stay valid); returns how many were created.
    """
    rules = list(manager.rules.all())
    absences = list(
        Absence.objects.filter(manager=manager, end_date__gte=start, start_date__lte=end)
    )
    existing = set(
        Slot.objects.filter(
            manager=manager,
            starts_at__date__gte=start - timedelta(days=1),
            starts_at__date__lte=end + timedelta(days=1),
        ).values_list("starts_at", flat=True)
    )
    new = []
    day = start
    while day <= end:
        absent = any(a.start_date <= day <= a.end_date for a in absences)
        if not absent and workdays.is_working_day(day):
            for rule in rules:
                if not rule_applies(rule, day):
                    continue
                for starts_at, ends_at in slot_times_for_rule(rule, day):
                    if starts_at not in existing:
                        existing.add(starts_at)
                        new.append(
                            Slot(
                                manager=manager,
                                rule=rule,
                                starts_at=starts_at,
                                ends_at=ends_at,
                                capacity=rule.capacity,
                            )
                        )
        day += timedelta(days=1)
    with transaction.atomic():
        Slot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def slots_generate_all(*, today: date | None = None) -> int:
    """Slots of every active manager for the whole booking horizon (daily beat job)."""
    from django.conf import settings

    today = today or workdays.local_now().date()
    end = today + timedelta(days=settings.RECEPTION_HORIZON_DAYS)
    return sum(
        slots_generate(manager=manager, start=today, end=end)
        for manager in Manager.objects.filter(is_active=True)
    )
