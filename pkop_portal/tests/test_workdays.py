from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pkop_portal import workdays
from pkop_portal.models import CalendarDay

ALMATY = ZoneInfo("Asia/Almaty")
UTC = ZoneInfo("UTC")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 24), False),  # Nauryz moved from the weekend
        (date(2026, 5, 27), False),  # Kurban Ait
        (date(2026, 8, 31), True),  # no Constitution Day after the 2026 change
        (date(2027, 3, 15), False),  # Constitution Day from 2027
        (date(2026, 12, 16), False),  # Independence Day
        (date(2026, 11, 27), True),  # an ordinary Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
    ],
)
def test_is_working_day_matches_kazakhstan_calendar(day, working):
    assert workdays.is_working_day(day) is working


def test_override_makes_a_holiday_working_and_a_weekday_off_without_restart():
    assert workdays.is_working_day(date(2026, 5, 27)) is False
    CalendarDay.objects.create(date=date(2026, 5, 27), is_working=True, note="transfer")
    assert workdays.is_working_day(date(2026, 5, 27)) is True

    CalendarDay.objects.create(date=date(2026, 12, 4), is_working=False, note="day-off transfer")
    assert workdays.is_working_day(date(2026, 12, 4)) is False


def test_override_deleted_restores_the_library_calendar():
    row = CalendarDay.objects.create(date=date(2026, 12, 4), is_working=False)
    assert workdays.is_working_day(date(2026, 12, 4)) is False
    row.delete()
    assert workdays.is_working_day(date(2026, 12, 4)) is True


def test_seeded_overrides_record_the_constitutional_change():
    rows = dict(CalendarDay.objects.values_list("date", "is_working"))
    assert rows[date(2026, 8, 31)] is True
    assert rows[date(2027, 3, 15)] is False


def test_add_working_days_skips_weekends_and_holidays():
    # Fri 20 Mar 2026 + 1 → Thu 26 Mar (weekend, Nauryz 23-25 off).
    assert workdays.add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 26)
    # 15 working days from Mon 2 Nov 2026: three full weeks.
    assert workdays.add_working_days(date(2026, 11, 2), 15) == date(2026, 11, 23)
    # Across Independence Day (Wed 16 Dec 2026).
    assert workdays.add_working_days(date(2026, 12, 14), 3) == date(2026, 12, 18)


def test_add_working_days_zero_returns_same_or_next_working_day():
    assert workdays.add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)
    assert workdays.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)


def test_add_working_days_counts_an_override_day():
    CalendarDay.objects.create(date=date(2026, 11, 28), is_working=True, note="working Saturday")
    assert workdays.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 28)


def test_add_working_days_rejects_negative():
    with pytest.raises(ValueError):
        workdays.add_working_days(date(2026, 11, 27), -1)


def test_working_days_between_counts_after_start_up_to_end():
    assert workdays.working_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1
    assert workdays.working_days_between(date(2026, 3, 20), date(2026, 3, 27)) == 2
    assert workdays.working_days_between(date(2026, 3, 27), date(2026, 3, 20)) == 0


def test_working_days_between_is_the_day_by_day_count_across_years_and_overrides():
    """The running counts per year give what a walk over every day gives: within a year,
    across one and two New Years, from and to a holiday, a weekend or an override."""
    CalendarDay.objects.create(date=date(2026, 12, 5), is_working=True, note="working Saturday")
    CalendarDay.objects.create(date=date(2027, 1, 4), is_working=False, note="day off")

    def walked(start, end):
        days = (end - start).days
        return sum(
            workdays.is_working_day(date.fromordinal(start.toordinal() + n))
            for n in range(1, days + 1)
        )

    days = [
        date(2025, 1, 1),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 3, 20),
        date(2026, 3, 24),
        date(2026, 12, 4),
        date(2026, 12, 5),
        date(2026, 12, 16),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 4),
        date(2027, 3, 15),
    ]
    for start in days:
        for end in days:
            assert workdays.working_days_between(start, end) == (
                walked(start, end) if end > start else 0
            ), (start, end)
    assert workdays.working_days_between(date(2026, 12, 4), date(2026, 12, 5)) == 1


@pytest.mark.parametrize(
    ("received", "registered"),
    [
        (datetime(2026, 11, 27, 19, 0, tzinfo=ALMATY), date(2026, 11, 30)),  # Fri 19:00 → Mon
        (datetime(2026, 11, 27, 17, 59, tzinfo=ALMATY), date(2026, 11, 27)),  # before 18:00
        (datetime(2026, 11, 27, 18, 0, tzinfo=ALMATY), date(2026, 11, 30)),  # 18:00 is after hours
        (datetime(2026, 11, 27, 7, 30, tzinfo=ALMATY), date(2026, 11, 27)),  # early: same day
        (datetime(2026, 11, 28, 11, 0, tzinfo=ALMATY), date(2026, 11, 30)),  # Saturday
        (datetime(2026, 3, 20, 20, 0, tzinfo=ALMATY), date(2026, 3, 26)),  # into Nauryz
        # 13:30 UTC on Friday is 18:30 in Shymkent: after hours.
        (datetime(2026, 11, 27, 13, 30, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2026, 11, 27, 12, 30, tzinfo=UTC), date(2026, 11, 27)),
        (datetime(2026, 11, 27, 19, 0), date(2026, 11, 30)),  # naive = local time
    ],
)
def test_registration_date_after_hours_or_day_off_is_next_working_day(received, registered):
    assert workdays.registration_date(received) == registered


def test_next_working_day_is_strictly_after():
    assert workdays.next_working_day(date(2026, 11, 27)) == date(2026, 11, 30)


@pytest.mark.parametrize(
    "received",
    [
        datetime(2026, 11, 27, 19, 0, tzinfo=ALMATY),
        datetime(2026, 11, 27, 10, 0, tzinfo=ALMATY),
        datetime(2026, 3, 20, 20, 0, tzinfo=ALMATY),
        datetime(2026, 12, 31, 19, 0, tzinfo=ALMATY),
        datetime(2026, 11, 28, 11, 0),
    ],
)
def test_registration_and_due_dates_match_the_separate_functions(received):
    registered = workdays.registration_date(received)
    assert workdays.registration_and_due_dates(received, 15) == (
        registered,
        workdays.add_working_days(registered, 15),
    )


def test_registration_and_due_dates_see_an_override_in_the_window():
    CalendarDay.objects.create(date=date(2026, 12, 7), is_working=False, note="transfer")
    received = datetime(2026, 11, 27, 10, 0, tzinfo=ALMATY)
    assert workdays.registration_and_due_dates(received, 15) == (
        date(2026, 11, 27),
        date(2026, 12, 22),  # 21 December without the override
    )
