from datetime import date, time

import factory

from pkop_portal.consent import Consent, consent_text_current
from pkop_portal.validators import kz_check_digit
from reception.models import Manager, ScheduleRule


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


def iins(count: int) -> list[str]:
    """Valid, distinct IINs."""
    found = []
    n = 87010130000
    while len(found) < count:
        base = f"{n:011d}"
        digit = kz_check_digit(base)
        if digit is not None:
            found.append(base + str(digit))
        n += 1
    return found


def reception_consent(ip: str = "127.0.0.1") -> Consent:
    """The citizen's consent to the current reception text, as the booking form gives it."""
    return Consent(text=consent_text_current(purpose="reception"), ip=ip)
