"""The public pages fit a phone and their controls can be seen and used.

- No page scrolls sideways at 320, 360, 375 and 414 px (320 px is a 1280 px screen at 400 %
  zoom) nor at 1280 px, in any of the four languages.
- The menu and the language switcher are shown and work without JavaScript.
- Links, buttons and fields of the header, the footer and the forms are at least 44 px tall.
- Fields, radios and checkboxes have 2 px borders of at least 3:1 against the page.
- Every element the keyboard reaches shows GOV.UK's yellow focus; the honeypot is never reached.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, expect

from e2e.public_pages import HTML_PAGES, LANGUAGES, PublicPage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE_WIDTHS = (320, 360, 375, 414)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
# The public forms (and the home page's links), where the controls are checked.
FORM_PAGES = ["home", "appeals:submit", "reception:slot_book", "charity:apply", "hotline:report"]
FOCUS_YELLOW = "rgb(255, 221, 0)"


def _scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("name", HTML_PAGES)
def test_public_page_never_scrolls_sideways(browser: Browser, live_server, name):
    public_page = PublicPage(name)
    failures = []
    for lang in LANGUAGES:
        page = public_page.open(browser, live_server, lang, viewport=PHONE)
        for width in (*PHONE_WIDTHS, DESKTOP["width"]):
            page.set_viewport_size({"width": width, "height": 740})
            if _scrolls_sideways(page):
                wide = page.evaluate("document.documentElement.scrollWidth")
                failures.append(f"{lang} at {width} px: the page is {wide} px wide")
        page.context.close()
    assert not failures, "\n".join(failures)


def _in(lang: str, text: str) -> str:
    with translation.override(lang):
        return gettext(text)


def test_menu_and_languages_work_without_javascript_on_a_small_phone(browser: Browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/kk/")
    menu = page.get_by_role("navigation", name=_in("kk", "Main menu"))
    for label in ("Services", "How we handle appeals", "Contacts"):
        expect(menu.get_by_role("link", name=_in("kk", label))).to_be_visible()
    for lang in LANGUAGES:
        expect(page.locator(f".language-switcher a[lang='{lang}']")).to_be_visible()
    assert not _scrolls_sideways(page)

    page.locator(".language-switcher a[lang='zh-hans']").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/$"))
    page.get_by_role("navigation", name=_in("zh-hans", "Main menu")).get_by_role(
        "link", name=_in("zh-hans", "Contacts")
    ).click()
    with translation.override("zh-hans"):
        contacts = reverse("contacts")
    expect(page).to_have_url(f"{live_server.url}{contacts}")
    context.close()


# Every visible link of the header and footer, button, field and radio or checkbox row.
TARGETS = """() => [...document.querySelectorAll(
    '.portal-header a, .portal-footer a, main .btn, main .form-control, main .form-select,'
    + ' main .form-check')]
  .filter(e => e.offsetParent !== null && !e.closest('.honeypot'))
  .map(e => { const r = e.getBoundingClientRect();
    return [e.outerHTML.slice(0, 80), Math.round(r.width), Math.round(r.height)]; })"""


@pytest.mark.parametrize("name", FORM_PAGES)
def test_tap_targets_are_at_least_44_px(browser: Browser, live_server, name):
    public_page = PublicPage(name)
    page = public_page.open(browser, live_server, "kk", viewport=PHONE)
    targets = page.evaluate(TARGETS)
    page.context.close()
    assert len(targets) > 5
    small = [(html, w, h) for html, w, h in targets if h < 44 or w < 44]
    assert small == []


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast_with_white(css_colour: str) -> float:
    rgb = tuple(int(n) for n in re.findall(r"\d+", css_colour)[:3])
    return (1.05) / (_luminance(rgb) + 0.05)


FIELDS = """() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null && !e.closest('.honeypot'))
  .map(e => { const s = getComputedStyle(e);
    return [e.name + ' ' + e.type, s.borderTopWidth, s.borderTopStyle, s.borderTopColor]; })"""


@pytest.mark.parametrize("name", FORM_PAGES[1:])
def test_fields_radios_and_checkboxes_have_2px_borders_of_3_to_1(
    browser: Browser, live_server, name
):
    public_page = PublicPage(name)
    page = public_page.open(browser, live_server, "ru", viewport=DESKTOP)
    fields = page.evaluate(FIELDS)
    page.context.close()
    assert len(fields) >= 3
    assert {kind.split(" ")[1] for kind, *_style in fields} & {"checkbox", "radio"}
    faint = [
        (field, width, style, colour)
        for field, width, style, colour in fields
        if width != "2px" or style != "solid" or _contrast_with_white(colour) < 3
    ]
    assert faint == []


FOCUSED = """(y) => { const e = document.activeElement; const s = getComputedStyle(e);
  return {what: e.outerHTML.slice(0, 80), name: e.name || '', tag: e.tagName,
          shows: s.backgroundColor === y || s.boxShadow.includes(y)
                 || (s.outlineColor === y && s.outlineStyle === 'solid'
                     && parseFloat(s.outlineWidth) >= 3)}; }"""


@pytest.mark.parametrize("name", ["home", "appeals:submit", "hotline:report"])
def test_every_focusable_element_shows_the_yellow_focus_and_skips_the_honeypot(
    browser: Browser, live_server, name
):
    public_page = PublicPage(name)
    page = public_page.open(browser, live_server, "kk", viewport=PHONE)
    honeypot = page.locator("input[name=website]")
    if name != "home":
        expect(honeypot).to_have_attribute("tabindex", "-1")
        expect(honeypot).to_have_attribute("autocomplete", "off")
        assert honeypot.evaluate("e => !!e.closest('[aria-hidden=true]')")
    reached, plain = [], []
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, FOCUS_YELLOW)
        if focused["tag"] == "BODY" or (reached and focused["what"] == reached[0]["what"]):
            break
        reached.append(focused)
        if not focused["shows"]:
            plain.append(focused["what"])
    page.context.close()
    assert len(reached) > 10
    assert "website" not in {focused["name"] for focused in reached}
    assert plain == []
