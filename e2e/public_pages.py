"""Every public page of the site, opened in Chromium with the data it shows.

The pages and their data are those of pkop_portal/tests/test_public_queries.py (`PAGES`, which a
test there keeps complete against the URL conf): each is prepared with the Django test client
as that test does it (rows, session, receipt cookie); the browser then gets the client's
cookies and opens the same address on the live server (the hotline follow-up, the answer to a
POSTed receipt, by sending its form)."""

from django.test import Client
from playwright.sync_api import Browser, Page

from pkop_portal.tests.test_public_queries import HOTLINE_RECEIPT, LANGUAGES, PAGES, SMALL, World

# Pages that are not HTML (a calendar file).
NOT_HTML = {"reception:invitation"}
HTML_PAGES = [name for name in PAGES if name not in NOT_HTML]

__all__ = ["HTML_PAGES", "LANGUAGES", "PublicPage"]


class PublicPage:
    """One public page (a name of PAGES) with its data made, to open in each language."""

    def __init__(self, name: str):
        self.name = name
        self.world = World(client=Client())
        grow, self._prepare = PAGES[name]
        grow(self.world, SMALL)

    def open(self, browser: Browser, live_server, lang: str, *, viewport: dict) -> Page:
        """A new browser page (in its own context) showing this page in `lang`."""
        response = self._prepare(self.world, lang)()
        assert response.status_code == 200, (self.name, lang, response.status_code)
        path = response.request["PATH_INFO"]
        query = response.request.get("QUERY_STRING")
        context = browser.new_context(viewport=viewport)
        context.add_cookies(
            [
                {"name": name, "value": morsel.value, "url": live_server.url}
                for name, morsel in self.world.client.cookies.items()
                if morsel.value
            ]
        )
        page = context.new_page()
        shown = page.goto(f"{live_server.url}{path}" + (f"?{query}" if query else ""))
        if response.request["REQUEST_METHOD"] == "POST":
            page.locator("input[name=receipt]").fill(HOTLINE_RECEIPT)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").first.click()
            shown = None
        if shown is not None:
            assert shown.status == 200, (self.name, lang, shown.status)
        assert page.evaluate("document.documentElement.lang") == lang, (self.name, lang)
        return page
