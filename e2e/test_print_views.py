"""Print views print: the reception day agenda on paper is the agenda alone, under the
organisation's name, on one A4 page for a normal day (issue 12, item 7)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from reception.models import Booking, Slot
from reception.tests.factories import ManagerFactory, iins

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ALMATY = ZoneInfo("Asia/Almaty")

PASSWORD = "correct-horse-battery-staple"


def day_of_visits(count: int) -> datetime:
    """`count` visits of 20 minutes from 09:00 today (Shymkent time), each in its own slot."""
    manager = ManagerFactory()
    start = datetime.now(ALMATY).replace(hour=9, minute=0, second=0, microsecond=0)
    for i, iin in enumerate(iins(count)):
        starts = start + timedelta(minutes=20 * i)
        slot = Slot.objects.create(
            manager=manager, starts_at=starts, ends_at=starts + timedelta(minutes=20)
        )
        Booking.objects.create(
            number=f"R-PRINT{i:03d}",
            slot=slot,
            manager=manager,
            seat=1,
            full_name=f"Сейтқали Айгерім Нұрланқызы {i}",
            iin=iin,
            language="kk",
            topic="Әлеуметтік көмек: көп балалы отбасына көмір сатып алуға",
            token_nonce="n",
            token_hash=f"h{i}",
            idempotency_key=f"i{i}",
        )
    return start


def test_day_agenda_prints_alone_on_one_a4_page(browser: Browser, live_server):
    day = day_of_visits(18)
    User.objects.create_superuser("head", "head@pkop.kz", PASSWORD)
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/ru/admin/login/")
    page.locator("#id_username").fill("head")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(f"{live_server.url}/ru/admin/reception/booking/agenda/?date={day:%Y-%m-%d}")
    expect(page.locator("#agenda tbody tr")).to_have_count(18)
    expect(page.locator(".print-organisation")).to_be_hidden()  # on screen: the admin as usual

    page.emulate_media(media="print")
    for chrome in ("#header", ".breadcrumbs", "#nav-sidebar", ".agenda-filter", "#footer"):
        if page.locator(chrome).count():
            expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator(".print-organisation")).to_be_visible()
    expect(page.locator(".print-organisation")).to_contain_text("ТОО «ПКОП»")
    # As a browser's print dialog does it: A4 with its default margins of about 1 cm.
    margin = dict.fromkeys(("top", "bottom", "left", "right"), "1cm")
    pdf = page.pdf(format="A4", margin=margin)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
