"""axe-core finds no critical or serious violation on any public page, in the four languages,
at a desktop (1280 px) and a phone (375 px) width.

The pages, with data on them, are every page of the public URL conf (e2e/public_pages.py). All
the findings of one page are reported together."""

import pytest
from playwright.sync_api import Browser

from e2e.public_pages import HTML_PAGES, LANGUAGES, PublicPage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@pytest.mark.parametrize("name", HTML_PAGES)
def test_public_page_passes_axe_in_every_language_on_desktop_and_phone(
    browser: Browser, live_server, findings, name
):
    public_page = PublicPage(name)
    for lang in LANGUAGES:
        page = public_page.open(browser, live_server, lang, viewport=DESKTOP)
        for size, viewport in (("1280 px", DESKTOP), ("375 px", PHONE)):
            page.set_viewport_size(viewport)
            findings.axe(page, f"{lang} at {size}")
        page.context.close()
    findings.assert_none()


def test_the_not_found_page_passes_axe_and_fits_a_phone(browser: Browser, live_server, findings):
    """The page of an address that does not exist (shown to anyone who mistypes one)."""
    for lang in LANGUAGES:
        page = browser.new_context(viewport=PHONE).new_page()
        response = page.goto(f"{live_server.url}/{lang}/no-such-page/")
        assert response.status == 404
        assert page.evaluate("document.documentElement.lang") == lang
        for viewport in ({"width": 320, "height": 640}, PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            findings.axe(page, f"{lang} at {viewport['width']} px")
        page.context.close()
    findings.assert_none()
