"""A foreign national without an IIN appeals with a passport (issue 13): "I have no IIN" reveals
the document's fields and hides the IIN, by CSS alone, so it works without JavaScript too."""

import pytest
from playwright.sync_api import Browser, Page, expect

from appeals.models import Appeal

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fill_the_rest(page: Page) -> None:
    page.locator("#id_full_name").fill("Li Wei")
    page.locator("#id_address").fill("Shymkent, Baitursynov st. 1")
    page.locator("#id_email").fill("li.wei@example.cn")
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_subject").fill("Noise at night")
    page.locator("#id_text").fill("The flare is loud every night after 23:00.")
    page.locator("#id_consent").check()


def test_no_iin_reveals_the_document_and_the_appeal_is_registered(
    page: Page, live_server, axe_check
):
    page.goto(f"{live_server.url}/en/appeals/new/")
    expect(page.locator("#id_iin")).to_be_visible()
    expect(page.locator("#id_id_document_number")).to_be_hidden()

    page.locator("#id_no_iin").check()
    expect(page.locator("#id_id_document_number")).to_be_visible()
    expect(page.locator("#id_iin")).to_be_hidden()
    axe_check(page)

    # A representative of an organisation gives no document: the whole choice goes away.
    page.locator("#id_applicant_type_1").check()
    expect(page.locator("#id_no_iin")).to_be_hidden()
    expect(page.locator("#id_iin")).to_be_visible()
    page.locator("#id_applicant_type_0").check()

    page.get_by_label("Passport").check()
    page.locator("#id_id_document_number").fill("e1234 5678")
    fill_the_rest(page)
    page.get_by_role("button", name="Submit the appeal").click()
    expect(page.locator("h1")).to_have_text("Your appeal is registered")
    appeal = Appeal.objects.get(number=page.locator("#appeal-number").inner_text())
    assert (appeal.iin, appeal.id_document_kind, appeal.id_document_number) == (
        "",
        "passport",
        "E12345678",
    )


def test_the_document_choice_works_without_javascript(browser: Browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/appeals/new/")
        page.locator("#id_no_iin").check()
        expect(page.locator("#id_iin")).to_be_hidden()
        # Sent without a document: the error keeps the choice open at its fields.
        fill_the_rest(page)
        page.get_by_role("button", name="Submit the appeal").click()
        expect(page.locator("#id_no_iin")).to_be_checked()
        expect(page.locator("#id_id_document_number")).to_be_visible()
        expect(page.locator("#id_id_document_kind_0")).to_be_visible()
        assert Appeal.objects.count() == 0
    finally:
        context.close()
