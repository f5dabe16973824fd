import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

# Transactional tests flush the database; serialized rollback restores the seeded hotline lines.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_language(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


def test_home_switch_kazakh_to_chinese_then_open_procedure(page: Page, live_server):
    page.goto(f"{live_server.url}/kk/")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("h1")).to_have_text(
        in_language("Citizens' appeals and personal reception", "kk")
    )
    expect(page.locator("main")).to_contain_text("8 (7252) 24 14 85")

    page.locator(".language-switcher a[lang='zh-hans']").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text(
        in_language("Citizens' appeals and personal reception", "zh-hans")
    )

    page.get_by_role("navigation", name=in_language("Main menu", "zh-hans")).get_by_role(
        "link", name=in_language("How we handle appeals", "zh-hans")
    ).click()
    expect(page).to_have_url(re.compile(r"/zh-hans/procedure/$"))
    expect(page.locator("h1")).to_have_text(in_language("How we handle appeals", "zh-hans"))
    # The switcher keeps the page: back to Kazakh lands on the Kazakh procedure page.
    page.locator(".language-switcher a[lang='kk']").click()
    expect(page).to_have_url(re.compile(r"/kk/procedure/$"))


def test_skip_link_is_first_tab_stop_and_visible_on_focus(page: Page, live_server):
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0
    skip.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_pages_load_without_csp_violations_or_console_errors(page: Page, live_server):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    for path in ("/ru/", "/ru/procedure/", "/ru/contacts/", "/ru/personal-data/"):
        page.goto(f"{live_server.url}{path}")
        # Bootstrap's stylesheet really applied (served from static/vendor, not a CDN).
        assert page.evaluate("getComputedStyle(document.body).display") == "flex"
    assert errors == []


def test_menu_is_shown_on_a_phone_screen_without_a_menu_button(page: Page, live_server):
    """Every menu link is shown at every width (it works without JavaScript; see
    e2e/test_public_layout.py)."""
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/en/")
    expect(page.locator(".navbar-toggler")).to_have_count(0)
    expect(page.locator("#main-menu")).to_be_visible()
    expect(page.locator("#main-menu a")).to_have_count(3)
