"""A keyboard-only journey through the appeal form to the receipt (issue 13): Tab, Shift+Tab,
Space, Enter and the arrow keys of a radio group or a list, typing in the text fields; no mouse.

On the way: the error summary takes the focus and its links lead to the fields; the fields of
an organisation and the number of co-signers are out of the way (and out of the tab order)
until the choice that reveals them."""

import re

import pytest
from playwright.sync_api import Page, expect

from appeals.models import Appeal
from appeals.tests.factories import VALID_IIN

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ACTIVE_ID = "() => document.activeElement.id || document.activeElement.tagName"


def tab_to(page: Page, selector: str, *, limit: int = 60) -> list[str]:
    """Press Tab until the focused element matches `selector`; the ids focused on the way."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return passed
        passed.append(page.evaluate(ACTIVE_ID))
    raise AssertionError(f"{selector} not reached with Tab; focused on the way: {passed}")


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def test_keyboard_only_appeal_from_error_summary_to_receipt(page: Page, live_server, axe_check):
    page.goto(f"{live_server.url}/en/appeals/new/")

    # --- Sent empty: the error summary is focused, and its first link leads to its field.
    tab_to(page, "button[type=submit]", limit=120)
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert focused(page, ".error-summary")
    axe_check(page)
    page.keyboard.press("Tab")
    assert focused(page, ".error-summary a[href='#id_full_name']")
    page.keyboard.press("Enter")
    assert focused(page, "#id_full_name")

    # --- About you: an individual (chosen already); the organisation's fields appear only for
    # a representative.
    page.keyboard.press("Shift+Tab")
    assert focused(page, "#id_applicant_type_0")
    expect(page.locator("#id_applicant_type_0")).to_be_checked()
    expect(page.locator("#id_organisation_name")).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_applicant_type_1")).to_be_checked()
    expect(page.locator("#id_organisation_name")).to_be_visible()
    # static/js/conditional-reveal.js ties the choice to what it reveals.
    expect(page.locator("#id_applicant_type_1")).to_have_attribute(
        "aria-controls", "organisation-fields"
    )
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_applicant_type_0")).to_be_checked()
    expect(page.locator("#id_organisation_name")).to_be_hidden()

    tab_to(page, "#id_full_name")
    page.keyboard.type("Li Wei")
    tab_to(page, "#id_iin")
    page.keyboard.type(VALID_IIN)
    passed = tab_to(page, "#id_address")
    assert "id_organisation_name" not in passed and "id_bin" not in passed
    page.keyboard.type("Shymkent, Baitursynov st. 1")

    # --- Contact: e-mail only, notices by e-mail (the list's first choice).
    tab_to(page, "#id_email")
    page.keyboard.type("li.wei@example.cn")

    # --- The appeal: a complaint (its hint is read with its radio), a subject area, the text.
    tab_to(page, "input[name=kind]")
    assert focused(page, "#id_kind_0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_kind_1")).to_be_checked()
    assert page.locator("#id_kind_1").get_attribute("aria-describedby") == "id_kind_1_hint"
    tab_to(page, "#id_category")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_category").input_value() != ""
    tab_to(page, "#id_subject")
    page.keyboard.type("Noise at night")
    tab_to(page, "#id_text")
    page.keyboard.type("The flare is loud every night after 23:00.")
    tab_to(page, "#id_is_collective")
    page.keyboard.press("Space")
    expect(page.locator("#id_cosigners_count")).to_be_visible()
    page.keyboard.press("Space")
    expect(page.locator("#id_cosigners_count")).to_be_hidden()
    passed = tab_to(page, "#id_consent")
    assert "id_cosigners_count" not in passed and "id_website" not in passed
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()

    # --- Sent with Enter: the receipt.
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your appeal is registered")
    number = page.locator("#appeal-number").inner_text()
    assert re.fullmatch(r"A-\d{4}-\d{6}", number)
    appeal = Appeal.objects.get(number=number)
    assert (appeal.full_name, appeal.kind, appeal.organisation_name) == (
        "Li Wei",
        "complaint",
        "",
    )
    assert not appeal.is_collective

    # --- And on to following it, still with the keyboard.
    tab_to(page, "a[href$='?follow=1']", limit=80)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/en/appeals/track/{number}/$"))


def test_the_reveal_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/kk/appeals/new/")
    organisation = page.locator("#id_organisation_name")
    cosigners = page.locator("#id_cosigners_count")
    expect(organisation).to_be_hidden()
    expect(cosigners).to_be_hidden()
    page.locator("#id_applicant_type_1").focus()
    page.keyboard.press("Space")
    expect(organisation).to_be_visible()
    expect(page.locator("#id_bin")).to_be_visible()
    page.locator("#id_is_collective").focus()
    page.keyboard.press("Space")
    expect(cosigners).to_be_visible()
    context.close()
