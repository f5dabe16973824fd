import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from reception.models import Booking
from reception.slots import slots_generate_all
from reception.tests.factories import RuleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def ru(text: str) -> str:
    with translation.override("ru"):
        return gettext(text)


def test_book_in_russian_download_invitation_cancel_and_see_the_slot_free(
    page: Page, browser: Browser, live_server
):
    rule = RuleFactory(weekdays="1,2,3,4,5")
    slots_generate_all()

    page.goto(f"{live_server.url}/ru/")
    page.get_by_role("link", name=ru("Book a personal reception")).first.click()
    expect(page.locator("h1")).to_have_text(ru("Book a personal reception"))
    page.get_by_role("link", name=rule.manager.name_ru).click()
    first_time = page.locator(".slot-list a").first
    slot_href = first_time.get_attribute("href")
    first_time.click()

    page.locator("#id_full_name").fill("Айгерим Садыкова")
    page.locator("#id_iin").fill("870101300009")
    page.locator("#id_email").fill("aigerim@example.kz")
    page.locator("#id_topic").fill("Благотворительная помощь")
    page.locator("#id_consent").check()
    page.get_by_role("button", name=ru("Book")).click()

    expect(page.locator("h1")).to_have_text(ru("Your visit is booked"))
    number = page.locator("#booking-number").inner_text()
    manage_url = page.locator("#manage-link").inner_text()
    assert re.fullmatch(r"R-[A-Z0-9]{8}", number)

    with page.expect_download() as download_info:
        page.locator("#invitation-link").click()
    invite = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    assert str(invite["METHOD"]) == "REQUEST"
    assert number in str(invite.walk("VEVENT")[0]["SUMMARY"])

    # The slot is gone from the manager's page while booked.
    page.goto(f"{live_server.url}/ru/reception/manager/{rule.manager.pk}/")
    expect(page.locator(f'.slot-list a[href="{slot_href}"]')).to_have_count(0)

    # The citizen cancels with the private link, from another browser.
    citizen = browser.new_context().new_page()
    citizen.goto(manage_url)
    citizen.get_by_role("link", name=ru("Cancel the visit")).click()
    # "Are you sure?" first (GOV.UK pattern), then the confirmation with a way to book again.
    citizen.get_by_role("button", name=ru("Yes, cancel the visit")).click()
    expect(citizen.locator("h1")).to_have_text(ru("Your visit is cancelled"))
    expect(citizen.locator("#book-again")).to_be_visible()
    citizen.goto(manage_url)
    expect(citizen.locator("#booking-status")).to_have_text(ru("Cancelled by the citizen"))
    assert Booking.objects.get(number=number).is_active is False

    page.goto(f"{live_server.url}/ru/reception/manager/{rule.manager.pk}/")
    expect(page.locator(f'.slot-list a[href="{slot_href}"]')).to_have_count(1)
