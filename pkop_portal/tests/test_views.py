import re

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from pkop_portal.models import HotlineLine

pytestmark = pytest.mark.django_db

LANGS = ["kk", "ru", "en", "zh-hans"]
PAGES = {
    "": "Citizens' appeals and personal reception",
    "procedure/": "How we handle appeals",
    "contacts/": "Contacts",
    "personal-data/": "Personal data notice",
}
# A sentence of each page's body text, to prove the body is translated and not only the title.
BODY = {
    "": "What you can do here",
    "procedure/": "3. The answer: 15 working days",
    "contacts/": "Boxes for complaints and suggestions",
    "personal-data/": "Data we collect",
}


def translated(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


def h1_of(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_translated_title_and_body(client, lang, path):
    response = client.get(f"/{lang}/{path}")
    html = response.content.decode()
    title = translated(PAGES[path], lang)
    body = translated(BODY[path], lang)
    if lang != "en":
        assert title != PAGES[path], f"{PAGES[path]!r} is not translated into {lang}"
        assert body != BODY[path], f"{BODY[path]!r} is not translated into {lang}"
    assert response.status_code == 200
    assert h1_of(html) == [title]
    assert f"<title>{title} · " in html
    assert body in html
    assert f'<html lang="{lang}">' in html


def test_same_page_title_differs_in_each_language(client):
    titles = {lang: h1_of(client.get(f"/{lang}/procedure/").content.decode())[0] for lang in LANGS}
    assert len(set(titles.values())) == 4


@pytest.mark.parametrize("lang", LANGS)
def test_home_shows_all_four_hotline_numbers(client, lang):
    html = client.get(f"/{lang}/").content.decode()
    for number in ("24 13 70", "24 13 92", "24 14 20", "24 14 85"):
        assert f"8 (7252) {number}" in html
    assert 'href="tel:+77252241370"' in html


def test_contacts_lists_lines_with_their_language_names(client):
    html = client.get("/ru/contacts/").content.decode()
    for code in ("kk", "ru", "en", "zh-hans"):
        line = HotlineLine.objects.get(language=code)
        with translation.override("ru"):
            language_name = str(line.get_language_display())
        assert f'<td>{language_name}</td><td><a href="tel:{line.phone.as_e164}">' in html


def test_contacts_hides_inactive_line_and_shows_edited_number(client):
    HotlineLine.objects.filter(language="zh-hans").update(is_active=False)
    HotlineLine.objects.filter(language="en").update(phone="+77252241421")
    html = client.get("/en/contacts/").content.decode()
    assert "24 14 85" not in html
    assert "8 (7252) 24 14 21" in html


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "/ru/"),
        ("en-US,en;q=0.9", "/en/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("kk", "/kk/"),
        ("de-DE,de;q=0.9", "/kk/"),
        ("", "/kk/"),
    ],
)
def test_root_redirects_by_accept_language_falling_back_to_kazakh(client, accept, target):
    response = client.get("/", headers={"accept-language": accept} if accept else {})
    assert response.status_code == 302
    assert response["Location"] == target


def test_language_switcher_links_to_same_page_in_each_language(client):
    html = client.get("/kk/procedure/").content.decode()
    switcher = html.split('class="language-switcher"')[1].split("</nav>")[0]
    links = dict(re.findall(r'href="([^"]+)" lang="([^"]+)"', switcher))
    assert links == {
        "/kk/procedure/": "kk",
        "/ru/procedure/": "ru",
        "/en/procedure/": "en",
        "/zh-hans/procedure/": "zh-hans",
    }
    assert 'aria-current="true">Қазақ' in switcher


def test_language_switcher_on_404_links_to_home_of_each_language(client):
    html = client.get("/ru/no-such-page/").content.decode()
    switcher = html.split('class="language-switcher"')[1].split("</nav>")[0]
    assert 'href="/zh-hans/" lang="zh-hans"' in switcher
    assert 'href="/ru/no-such-page/" lang="ru"' in switcher


@pytest.mark.parametrize("lang", LANGS)
def test_404_page_is_translated(client, lang):
    response = client.get(f"/{lang}/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert h1_of(html) == [translated("Page not found", lang)]
    assert f'<html lang="{lang}">' in html


@pytest.mark.parametrize("lang", ["ru", "zh-hans"])
def test_500_page_is_translated(client, lang, settings):
    from django.conf.urls.i18n import i18n_patterns
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    urlconf = type(
        "Urls",
        (),
        {
            "urlpatterns": i18n_patterns(path("boom/", boom)),
            "handler500": "pkop_portal.views.server_error",
        },
    )
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=urlconf):
        response = client.get(f"/{lang}/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert h1_of(html) == [translated("Something went wrong", lang)]
    assert translated("Something went wrong", lang) != "Something went wrong"


def test_pages_have_accessibility_landmarks_and_no_inline_script_or_style(client):
    html = client.get("/en/").content.decode()
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html
    assert len(h1_of(html)) == 1
    assert "<style" not in html
    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "cdn" not in html.lower()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html


def test_pages_send_a_content_security_policy_without_unsafe_inline(client):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_home_lists_services_without_dead_links(client):
    from django.urls import NoReverseMatch, reverse

    from pkop_portal.services_catalogue import SERVICES

    html = client.get("/en/").content.decode()
    for service in SERVICES:
        assert str(service.title) in html
        try:
            url = reverse(service.url_name)
        except NoReverseMatch:
            url = None
        if url:
            assert f'<a href="{url}">{service.title}</a>' in html
    # Every link on the page resolves to a page that exists.
    for href in set(re.findall(r'href="(/[^"]*)"', html)):
        if href.startswith("/static/"):
            continue
        assert client.get(href).status_code in (200, 302), href


def test_pages_reject_post(client):
    response = client.post("/en/contacts/")
    assert response.status_code == 405
