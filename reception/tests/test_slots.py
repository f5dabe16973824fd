from collections import Counter
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from pkop_portal.models import CalendarDay
from reception.models import Absence, Slot
from reception.slots import slots_generate
from reception.tests.factories import RuleFactory

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def test_director_tuesdays_give_six_slots_on_each_working_tuesday():
    rule = RuleFactory()
    created = slots_generate(manager=rule.manager, start=date(2026, 3, 1), end=date(2026, 3, 31))
    slots = Slot.objects.filter(manager=rule.manager).order_by("starts_at")
    days = Counter(s.starts_at.date() for s in slots)
    # Tuesdays of March 2026: 3, 10, 17, 24 (Nauryz, no reception), 31.
    assert days == {date(2026, 3, d): 6 for d in (3, 10, 17, 31)}
    assert created == 24
    first = slots.first()
    assert first.starts_at.astimezone(ALMATY).isoformat() == "2026-03-03T15:00:00+05:00"
    assert first.ends_at.astimezone(ALMATY).isoformat() == "2026-03-03T15:20:00+05:00"
    assert slots.last().ends_at.astimezone(ALMATY).time() == time(17, 0)


def test_generation_is_idempotent():
    rule = RuleFactory()
    slots_generate(manager=rule.manager, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert slots_generate(manager=rule.manager, start=date(2026, 3, 1), end=date(2026, 3, 31)) == 0
    assert Slot.objects.count() == 24


def test_no_slots_on_holidays_and_slots_on_the_abolished_holiday():
    rule = RuleFactory(weekdays="1,3")  # Mondays and Wednesdays
    slots_generate(manager=rule.manager, start=date(2026, 5, 25), end=date(2026, 5, 27))
    slots_generate(manager=rule.manager, start=date(2026, 8, 31), end=date(2026, 8, 31))
    slots_generate(manager=rule.manager, start=date(2027, 3, 15), end=date(2027, 3, 15))
    days = {s.starts_at.date() for s in Slot.objects.all()}
    assert days == {date(2026, 5, 25), date(2026, 8, 31)}  # 27 May: Kurban Ait; 15 Mar 2027 off


def test_override_and_absence_remove_days():
    rule = RuleFactory()
    CalendarDay.objects.create(date=date(2026, 12, 8), is_working=False, note="transfer")
    Absence.objects.create(
        manager=rule.manager, start_date=date(2026, 12, 14), end_date=date(2026, 12, 18)
    )
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 31))
    days = sorted({s.starts_at.date() for s in Slot.objects.all()})
    assert days == [date(2026, 12, 1), date(2026, 12, 22), date(2026, 12, 29)]


def test_every_two_weeks_counts_from_the_first_week():
    rule = RuleFactory(every_n_weeks=2, valid_from=date(2026, 11, 2))
    slots_generate(manager=rule.manager, start=date(2026, 11, 1), end=date(2026, 11, 30))
    days = sorted({s.starts_at.date() for s in Slot.objects.all()})
    assert days == [date(2026, 11, 3), date(2026, 11, 17)]


def test_validity_period_and_partial_slots():
    rule = RuleFactory(
        valid_from=date(2026, 11, 10), valid_to=date(2026, 11, 20), end_time=time(16, 50)
    )
    slots_generate(manager=rule.manager, start=date(2026, 11, 1), end=date(2026, 11, 30))
    days = Counter(s.starts_at.date() for s in Slot.objects.all())
    # 15:00–16:50 holds five whole 20-minute slots; only Tuesdays 10 and 17 are valid.
    assert days == {date(2026, 11, 10): 5, date(2026, 11, 17): 5}
