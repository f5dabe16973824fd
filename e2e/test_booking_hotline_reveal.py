"""Conditional reveal without JavaScript (issue 13), by CSS alone: on the booking page "I have no
IIN" shows the identity document's fields and hides the IIN, and a foreign national books with
a passport; on the hotline report "Send me an e-mail" shows the e-mail field."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from reception import selectors
from reception.models import Booking
from reception.slots import slots_generate_all
from reception.tests.factories import RuleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def page_without_js(browser: Browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_booking_without_an_iin_works_without_javascript(page_without_js, live_server):
    page = page_without_js
    rule = RuleFactory(weekdays="1,2,3,4,5")
    slots_generate_all()
    slot = selectors.slot_list_free(manager=rule.manager, now=timezone.now()).first()
    page.goto(f"{live_server.url}/en/reception/slot/{slot.pk}/book/")

    expect(page.locator("#id_iin")).to_be_visible()
    expect(page.locator("#id_id_document_number")).to_be_hidden()
    page.locator("#id_no_iin").check()
    expect(page.locator("#id_id_document_number")).to_be_visible()
    expect(page.locator("#id_iin")).to_be_hidden()

    page.get_by_label("Passport").check()
    page.locator("#id_id_document_number").fill("e1234 5678")
    page.locator("#id_full_name").fill("Li Wei")
    page.locator("#id_email").fill("li.wei@example.cn")
    page.locator("#id_topic").fill("Noise at night")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Book", exact=True).click()
    booking = Booking.objects.get()
    expect(page.locator("body")).to_contain_text(booking.number)
    assert (booking.iin, booking.id_document_kind, booking.id_document_number) == (
        "",
        "passport",
        "E12345678",
    )


def test_hotline_notice_email_is_revealed_by_its_box_without_javascript(
    page_without_js, live_server
):
    page = page_without_js
    page.goto(f"{live_server.url}/en/hotline/report/")
    expect(page.locator("#id_notice_email")).to_be_hidden()
    page.locator("#id_wants_notices").check()
    expect(page.locator("#id_notice_email")).to_be_visible()
    page.locator("#id_wants_notices").uncheck()
    expect(page.locator("#id_notice_email")).to_be_hidden()
