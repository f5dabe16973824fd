from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory

from pkop_portal.consent import Consent, consent_text_current
from pkop_portal.validators import kz_check_digit
from reception.models import Booking, Manager, ScheduleRule, Slot


class ManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manager

    name_kk = "Директор"
    name_ru = factory.Sequence(lambda n: f"Директор {n}")
    name_en = "Director"
    name_zh_hans = "总经理"
    position_kk = "Бас директор"
    position_ru = "Генеральный директор"
    position_en = "General director"
    position_zh_hans = "总经理"
    place_kk = "Шымкент, әкімшілік ғимарат, 101-бөлме"
    place_ru = "Шымкент, административное здание, каб. 101"
    place_en = "Shymkent, administration building, room 101"
    place_zh_hans = "奇姆肯特，行政楼101室"


class RuleFactory(factory.django.DjangoModelFactory):
    """Tuesdays 15:00–17:00, 20-minute slots, one citizen each."""

    class Meta:
        model = ScheduleRule

    manager = factory.SubFactory(ManagerFactory)
    weekdays = "2"
    start_time = time(15, 0)
    end_time = time(17, 0)
    slot_minutes = 20
    capacity = 1
    valid_from = date(2026, 1, 1)


def iins(count: int, *, first: int = 87010130000) -> list[str]:
    """Valid, distinct IINs (the first `count` valid ones from the 11-digit base `first`)."""
    found = []
    n = first
    while len(found) < count:
        base = f"{n:011d}"
        digit = kz_check_digit(base)
        if digit is not None:
            found.append(base + str(digit))
        n += 1
    return found


def _booking_iin(n: int) -> str:
    """The n-th valid IIN of a range apart from `iins()`'s, so both can be used in one test."""
    return iins(1, first=97010130000 + 10 * n)[0]


class SlotFactory(factory.django.DjangoModelFactory):
    """A 20-minute slot of a new manager (next Monday 10:00 in Shymkent unless told)."""

    class Meta:
        model = Slot

    manager = factory.SubFactory(ManagerFactory)
    starts_at = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    ends_at = factory.LazyAttribute(lambda slot: slot.starts_at + timedelta(minutes=20))


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking of seat 1 of its own slot, as the public form makes it (without the consent
    and the citizen's notices); active while booked. Numbers, IINs and keys are distinct."""

    class Meta:
        model = Booking

    slot = factory.SubFactory(SlotFactory)
    manager = factory.SelfAttribute("slot.manager")
    seat = 1
    status = Booking.Status.BOOKED
    is_active = factory.LazyAttribute(lambda booking: booking.status == Booking.Status.BOOKED)
    number = factory.Sequence(lambda n: f"R-T{n:06d}")
    full_name = "Гражданин"
    iin = factory.Sequence(_booking_iin)
    language = "ru"
    topic = "Вопрос"
    token_nonce = factory.Sequence(lambda n: f"nonce{n}")
    token_hash = factory.Sequence(lambda n: f"hash{n}")
    idempotency_key = factory.Sequence(lambda n: f"key{n}")


def booking_make(
    starts_at: datetime, status: str = Booking.Status.BOOKED, *, manager=None, **fields
) -> Booking:
    """A booking of a new 20-minute slot starting at `starts_at` (of `manager`, else a new
    one) with `status` (active while booked); `fields` override the others."""
    slot_fields = {"starts_at": starts_at}
    if manager is not None:
        slot_fields["manager"] = manager
    return BookingFactory(slot=SlotFactory(**slot_fields), status=status, **fields)


def reception_consent(ip: str = "127.0.0.1") -> Consent:
    """The citizen's consent to the current reception text, as the booking form gives it."""
    return Consent(text=consent_text_current(purpose="reception"), ip=ip)
