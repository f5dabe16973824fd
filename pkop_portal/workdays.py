"""Kazakhstan working-day calendar used by every deadline in the portal.

A day is a working day when the staff override table (CalendarDay) says so; without an override,
when it is Monday to Friday and not a public holiday of the `holidays` KZ calendar (which already
moves holidays that fall on a weekend to the next working day). Overrides are kept in the
process (pkop_portal.refdata): an edit in the admin takes effect without a restart, in every
process within REFDATA_CHECK_SECONDS.
"""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

from pkop_portal import refdata

LOCAL_TZ = ZoneInfo("Asia/Almaty")
# Never search further than this for a working day: a calendar with none means bad overrides.
_MAX_SCAN_DAYS = 366


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KZ", years=year).keys())


def _overrides(start: date, end: date) -> Mapping[date, bool]:
    # Every override, not only the window's: the table is small and kept in the process.
    return refdata.calendar_overrides()


def _is_working(day: date, overrides: Mapping[date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def is_working_day(day: date) -> bool:
    """True if `day` is a working day in Kazakhstan, after staff overrides."""
    return _is_working(day, _overrides(day, day))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted); days >= 0.

    With days == 0, `start` if it is a working day, else the next working day.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    # Generous window for one query: a month of holidays cannot hide more than this.
    window_end = start + timedelta(days=days * 2 + 30)
    overrides = _overrides(start, window_end)
    current, counted, scanned = start, 0, 0
    if days == 0:
        while not _is_working(current, overrides):
            current += timedelta(days=1)
            scanned += 1
            if scanned > _MAX_SCAN_DAYS:
                raise RuntimeError("no working day found within a year")
        return current
    while counted < days:
        current += timedelta(days=1)
        scanned += 1
        if current > window_end:
            window_end = current + timedelta(days=days * 2 + 30)
            overrides = _overrides(current, window_end)
        if _is_working(current, overrides):
            counted += 1
        if scanned > days + _MAX_SCAN_DAYS:
            raise RuntimeError("no working day found within a year")
    return current


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    return add_working_days(day, 1)


def _year_working_counts(year: int) -> tuple[int, ...]:
    """counts[i]: the working days among the first i days of `year` (i = 0 … its length),
    built once per year from _is_working and kept until the calendar (or any reference data)
    changes (pkop_portal.refdata.memo)."""

    def build() -> tuple[int, ...]:
        first = date(year, 1, 1)
        overrides = _overrides(first, date(year, 12, 31))
        counts = [0]
        for offset in range((date(year + 1, 1, 1) - first).days):
            counts.append(counts[-1] + _is_working(first + timedelta(days=offset), overrides))
        return tuple(counts)

    return refdata.memo(("pkop_portal.workdays.year", year), build)


def _working_through(day: date) -> int:
    """Working days of `day`'s year up to and including `day`."""
    return _year_working_counts(day.year)[day.timetuple().tm_yday]


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start).

    Read from per-year running counts (_year_working_counts): a few lookups however far apart
    the dates are (a work queue counts the days left of every appeal on its page)."""
    if end <= start:
        return 0
    if start.year == end.year:
        return _working_through(end) - _working_through(start)
    days = _year_working_counts(start.year)[-1] - _working_through(start)
    for year in range(start.year + 1, end.year):
        days += _year_working_counts(year)[-1]
    return days + _working_through(end)


def local_now() -> datetime:
    return timezone.now().astimezone(LOCAL_TZ)


def _hours_end() -> time:
    return time.fromisoformat(settings.WORKING_HOURS_END)


def _local(moment: datetime) -> datetime:
    """`moment` in Asia/Almaty; a naive datetime is taken as local time already."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(LOCAL_TZ)


def registers_same_day(local_received: datetime, *, day_is_working: bool) -> bool:
    """The 18:00 cut-off (APPK Art. 64), the one place it is decided: something received on a
    working day strictly before the end of working hours is registered that day; at 18:00
    sharp, later, or on a non-working day it waits for the next working day."""
    return day_is_working and local_received.time() < _hours_end()


def registration_date(received_at: datetime) -> date:
    """The registration date of something received at `received_at` (APPK Art. 64).

    Received on a working day before the end of working hours (18:00 Asia/Almaty): that day.
    At or after 18:00, or on a non-working day: the next working day. Naive datetimes are local.
    """
    return registration_and_due_dates(received_at)[0]


def registration_and_due_dates(received_at: datetime, *working_days: int) -> tuple[date, ...]:
    """registration_date(received_at), then the date each of `working_days` later, from one
    calendar query: `registration_and_due_dates(t, 15, 3)` → (registered, due, redirect_due).
    """
    local = _local(received_at)
    day = local.date()
    window_end = day + timedelta(days=max(working_days, default=0) * 2 + 45)
    overrides = _overrides(day, window_end)
    registered = day
    if not registers_same_day(local, day_is_working=_is_working(day, overrides)):
        registered = _walk(day, 1, overrides, window_end)
    return (registered, *(_walk(registered, n, overrides, window_end) for n in working_days))


def _walk(start: date, days: int, overrides: Mapping[date, bool], window_end: date) -> date:
    """`days` working days after `start` using preloaded overrides (reloads past the window)."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if current > window_end:
            return add_working_days(current - timedelta(days=1), days - counted)
        if _is_working(current, overrides):
            counted += 1
    return current
