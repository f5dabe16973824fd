"""The charity application explains itself without JavaScript (issue 13): "I have no IIN"
reveals the identity document's fields and hides the IIN; choosing "Your situation" shows only
the documents it names, each marked required or optional for it; the amount is marked required
for money only. CSS alone (portal.css, "D2" and "D4")."""

import pytest
from playwright.sync_api import Browser, expect

from charity import enums

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_charity_form_reveals_without_javascript(browser: Browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/charity/apply/")
        form = page.locator("#apply-form")

        # No IIN: the document's fields instead.
        expect(form.locator("#id_iin")).to_be_visible()
        expect(form.locator("#id_id_document_number")).to_be_hidden()
        form.locator("#id_no_iin").check()
        expect(form.locator("#id_iin")).to_be_hidden()
        expect(form.locator("#id_id_document_number")).to_be_visible()
        expect(form.locator("#id_id_document_kind_0")).to_be_visible()

        # Before a situation is chosen every document is offered, none marked for it.
        pension = form.locator("#document-pension")
        large_family = form.locator("#document-large_family_status")
        income = form.locator("#document-income")
        expect(pension).to_be_visible()
        expect(large_family).to_be_visible()
        expect(form.locator(".document-status:visible")).to_have_count(0)

        form.locator("#id_category").select_option(enums.Category.LARGE_FAMILY.value)
        expect(pension).to_be_hidden()
        expect(large_family.locator(".document-required")).to_be_visible()
        expect(income.locator(".document-required")).to_be_visible()
        expect(form.locator("#document-bank_details .document-optional")).to_be_visible()
        expect(form.locator("#document-bank_details .document-required")).to_be_hidden()
        # The list of situations shows the chosen one only.
        form.locator("#checklist summary").click()
        expect(form.locator('.checklist-entry[data-category="large_family"]')).to_be_visible()
        expect(form.locator('.checklist-entry[data-category="pensioners"]')).to_be_hidden()

        form.locator("#id_category").select_option(enums.Category.PENSIONERS.value)
        expect(pension.locator(".document-required")).to_be_visible()
        expect(large_family).to_be_hidden()
        expect(income).to_be_hidden()

        # The amount's mark: for money only.
        amount_mark = form.locator("#div_id_amount_requested .asteriskField")
        form.locator("#id_aid_kind").select_option(enums.AidKind.GOODS.value)
        expect(amount_mark).to_be_hidden()
        form.locator("#id_aid_kind").select_option(enums.AidKind.MONEY.value)
        expect(amount_mark).to_be_visible()
    finally:
        context.close()
