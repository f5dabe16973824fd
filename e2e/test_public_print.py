"""What a citizen prints carries what they need (issue 13, item 5): the organisation, the
address to follow or manage the case, the hotline numbers and the date printed, with the code in
plain black monospace; on screen the print slip stays out of the way."""

import pytest
from django.http import HttpResponse
from playwright.sync_api import Browser, expect

from appeals.receipts import receipt_remember
from appeals.tests.factories import AppealFactory
from reception.slots import slots_generate_all
from reception.tests.factories import RuleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOTLINE_NUMBER = "24 13 70"  # part of the Kazakh line seeded by pkop_portal 0002, as displayed


def _expect_slip(page, address: str) -> None:
    slip = page.locator("#print-slip")
    expect(slip).to_be_hidden()  # on screen: the page as usual
    page.emulate_media(media="print")
    expect(slip).to_be_visible()
    expect(slip).to_contain_text("PKOP LLP, Shymkent oil refinery")
    expect(slip).to_contain_text(address)
    expect(slip).to_contain_text(HOTLINE_NUMBER)
    expect(page.locator("#printed-at")).to_contain_text("(Shymkent time, UTC+5)")
    expect(page.locator(".portal-header")).to_be_hidden()
    expect(page.locator(".js-print")).to_be_hidden()


def test_booking_confirmation_prints_the_manage_address(browser: Browser, live_server):
    rule = RuleFactory(weekdays="1,2,3,4,5")
    slots_generate_all()
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/en/reception/manager/{rule.manager.pk}/")
    page.locator(".slot-list a").first.click()
    page.locator("#id_full_name").fill("Li Wei")
    page.locator("#id_iin").fill("870101300009")
    page.locator("#id_email").fill("li.wei@example.cn")
    page.locator("#id_topic").fill("Contractor access")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Book").click()
    expect(page.locator("h1")).to_have_text("Your visit is booked")
    expect(page.locator("#booking-time")).to_contain_text("(Shymkent time, UTC+5)")
    manage_url = page.locator("#manage-link").inner_text()
    _expect_slip(page, manage_url)


def test_appeal_receipt_prints_the_code_in_black_monospace(browser: Browser, live_server):
    appeal = AppealFactory()
    response = HttpResponse()
    receipt_remember(response, appeal_id=appeal.pk, code="ABCD2345EFGH")
    context = browser.new_context()
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": f"{live_server.url}{morsel['path']}"}
            for name, morsel in response.cookies.items()
            if morsel.value
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/en/appeals/receipt/")
    code = page.locator("#access-code")
    expect(code).to_have_text("ABCD-2345-EFGH")
    _expect_slip(page, f"{live_server.url}/en/appeals/track/")
    style = code.evaluate(
        "el => { const s = getComputedStyle(el); return [s.color, s.fontFamily]; }"
    )
    assert style[0] == "rgb(0, 0, 0)"
    assert "mono" in style[1].lower() or "consolas" in style[1].lower()


@pytest.mark.parametrize("lang", ["kk", "zh-hans"])
def test_cancel_question_and_confirmation_fit_a_phone_and_pass_axe(
    browser: Browser, live_server, axe_check, lang
):
    from django.test import Client
    from django.utils import timezone

    from reception import selectors
    from reception.models import Booking
    from reception.tests.test_views import form, manage_token_of

    rule = RuleFactory(weekdays="1,2,3,4,5")
    slots_generate_all()
    client = Client()
    slot = selectors.slot_list_free(manager=rule.manager, now=timezone.now()).first()
    client.post(f"/{lang}/reception/slot/{slot.pk}/book/", form(client, slot, lang))
    token = manage_token_of(client, Booking.objects.get())
    page = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(f"{live_server.url}/{lang}/reception/manage/{token}/")
    expect(page.locator("#id_slot option:checked")).to_have_attribute("value", "")
    page.locator("#cancel-link").click()
    expect(page.locator("#confirm-cancel")).to_be_visible()
    for _step in ("question", "confirmation"):
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        axe_check(page)
        if _step == "question":
            page.locator("#confirm-cancel").click()
            expect(page.locator("#book-again")).to_be_visible()
    assert Booking.objects.get().is_active is False
