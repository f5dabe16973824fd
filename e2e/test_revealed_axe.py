"""The forms with their conditional parts revealed and their errors shown still pass axe-core
(strict) in Kazakh and Chinese, at a phone's width: the booking and charity forms with "I have
no IIN" ticked, the charity form with a situation chosen, the hotline form with the notice
e-mail revealed, each sent back empty so that the error summary and every field error show."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from charity import enums
from reception import selectors
from reception.slots import slots_generate_all
from reception.tests.factories import RuleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 740}


@pytest.mark.parametrize("lang", ["kk", "zh-hans"])
def test_revealed_parts_and_errors_pass_axe(browser: Browser, live_server, findings, lang):
    rule = RuleFactory(weekdays="1,2,3,4,5")
    slots_generate_all()
    slot = selectors.slot_list_free(manager=rule.manager, now=timezone.now()).first()
    page = browser.new_context(viewport=PHONE).new_page()

    page.goto(f"{live_server.url}/{lang}/reception/slot/{slot.pk}/book/")
    page.locator("#id_no_iin").check()
    page.locator("form[method=post] button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_id_document_number")).to_be_visible()
    findings.axe(page, f"{lang} booking, no IIN, errors")

    page.goto(f"{live_server.url}/{lang}/charity/apply/")
    page.locator("#id_no_iin").check()
    page.locator("#id_category").select_option(enums.Category.LARGE_FAMILY.value)
    page.locator("#id_aid_kind").select_option(enums.AidKind.MONEY.value)
    findings.axe(page, f"{lang} charity, no IIN, a situation chosen")
    page.locator("#apply-form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    findings.axe(page, f"{lang} charity, errors")

    page.goto(f"{live_server.url}/{lang}/hotline/report/")
    page.locator("#id_wants_notices").check()
    expect(page.locator("#id_notice_email")).to_be_visible()
    findings.axe(page, f"{lang} hotline, notice e-mail revealed")
    page.locator("#report-submit").click()
    expect(page.locator(".error-summary")).to_be_visible()
    findings.axe(page, f"{lang} hotline, errors")

    page.context.close()
    findings.assert_none()
