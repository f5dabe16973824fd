"""Bad requests get clear, translated pages: over-large bodies (400/413), malformed admin ids
(404), and a language switcher that never links off the site."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from appeals.models import Appeal
from appeals.tests.factories import AppealFactory
from appeals.tests.files import PDF, upload
from pkop_portal.admin_base import PortalModelAdmin, is_valid_object_id
from pkop_portal.tests.public_forms import (
    APPEAL_URL,
    appeal_form,
    booking_form,
    booking_url,
    free_slot,
)
from reception.models import Booking

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]
OUR_APPS = {"appeals", "reception", "notifications", "pkop_portal", "charity", "hotline"}


def tr(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


def message(html: str) -> str:
    return html.split('<p id="error-message">')[1].split("</p>")[0]


TOO_LARGE = "The form you sent was too large to be accepted. Shorten the text and send it again."


@pytest.mark.parametrize("lang", LANGS)
def test_over_large_form_gets_the_translated_413_page(client, settings, lang):
    slot = free_slot()
    data = booking_form(client, slot, lang, description="д" * 3000)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = client.post(booking_url(slot, lang), data)
    html = response.content.decode()
    assert response.status_code == 413
    assert f'<html lang="{lang}">' in html
    assert f'<h1 class="mb-3">{tr("The request could not be accepted", lang)}</h1>' in html
    assert message(html) == tr(TOO_LARGE, lang)
    assert 'class="language-switcher"' in html
    assert Booking.objects.count() == 0


def test_over_large_form_is_caught_before_the_csrf_check_too(settings):
    client = Client(enforce_csrf_checks=True)
    slot = free_slot()
    data = booking_form(client, slot, "en", description="x" * 3000)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = client.post(booking_url(slot, "en"), data)
    assert response.status_code == 413
    assert message(response.content.decode()) == TOO_LARGE
    assert Booking.objects.count() == 0


def test_the_same_form_within_the_limit_goes_through(client, settings):
    slot = free_slot()
    data = booking_form(client, slot, "en", description="x" * 500)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    assert client.post(booking_url(slot, "en"), data).status_code == 302
    assert Booking.objects.count() == 1


def test_too_many_files_get_the_translated_400_page(client, settings):
    data = appeal_form(client, "ru")
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [upload(f"scan{i}.pdf", PDF) for i in range(3)]
    response = client.post(APPEAL_URL.format(lang="ru"), {**data, "files": files})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="ru">' in html
    assert message(html) == tr(
        "Too many files were sent with the form. Choose fewer files and send it again.", "ru"
    )
    assert Appeal.objects.count() == 0


def test_too_many_fields_get_the_translated_400_page(client, settings):
    data = appeal_form(client, "en")
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post(APPEAL_URL.format(lang="en"), data)
    assert response.status_code == 400
    assert message(response.content.decode()) == (
        "The form had too many fields to be accepted. Reload the page and send it again."
    )
    assert Appeal.objects.count() == 0


def test_other_bad_requests_get_the_general_400_page(client):
    response = client.get("/kk/", HTTP_HOST="evil.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert message(html) == tr(
        "The request could not be understood. Go back, reload the page and try again.", "kk"
    )


# ----- Admin ids ---------------------------------------------------------------------------------

BAD_IDS = ["abc", "1.5", "99999999999999999999", "１２", "012 "]


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.kz", "x")
    client.force_login(user)
    return client


def our_admin_urls() -> list[str]:
    return [
        f"/ru/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
        if model._meta.app_label in OUR_APPS
    ]


def test_every_admin_of_our_apps_checks_its_ids():
    registered = [a for m, a in admin.site._registry.items() if m._meta.app_label in OUR_APPS]
    assert len(registered) >= 8
    assert all(isinstance(a, PortalModelAdmin) for a in registered)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_malformed_id_in_any_admin_url_is_404(superuser_client, bad):
    for base in our_admin_urls():
        for suffix in ("change/", "history/", "delete/", ""):
            response = superuser_client.get(f"{base}{bad}/{suffix}")
            assert response.status_code == 404, (base, bad, suffix, response.status_code)


def test_the_appeal_change_page_with_a_word_for_an_id_is_the_404_page(superuser_client):
    response = superuser_client.get("/ru/admin/appeals/appeal/abc/change/")
    assert response.status_code == 404
    assert tr("Page not found", "ru") in response.content.decode()


def test_good_ids_still_open_and_unknown_ones_behave_as_before(superuser_client):
    appeal = AppealFactory()
    page = superuser_client.get(f"/ru/admin/appeals/appeal/{appeal.pk}/change/")
    assert page.status_code == 200
    assert appeal.number in page.content.decode()
    missing = superuser_client.get(f"/ru/admin/appeals/appeal/{appeal.pk + 1000}/change/")
    assert (missing.status_code, missing["Location"]) == (302, "/ru/admin/")


def test_object_id_rule():
    assert is_valid_object_id(Appeal, "12")
    assert not is_valid_object_id(Appeal, "12/workflow/assign")
    assert not is_valid_object_id(Appeal, "")
    assert not is_valid_object_id(Appeal, str(2**63))
    assert is_valid_object_id(Appeal, str(2**63 - 1))


# ----- Language switcher --------------------------------------------------------------------------


def switcher_links(path: str, current: str) -> dict[str, str]:
    request = RequestFactory().get("/")
    request.path = request.path_info = path
    template = Template(
        "{% load portal %}" + "".join(f"{{% page_in_language '{lang}' %}}|" for lang in LANGS)
    )
    with translation.override(current):
        rendered = template.render(Context({"request": request}))
    return dict(zip(LANGS, rendered.split("|")[:-1], strict=True))


def is_local(link: str) -> bool:
    """A path on this site as a browser reads it (it treats a backslash as a slash)."""
    return link.startswith("/") and urlsplit(link.replace("\\", "/")).netloc == ""


def test_switcher_turns_a_path_with_a_host_into_the_language_homes():
    assert switcher_links("//evil.example/kk/", "kk") == {lang: f"/{lang}/" for lang in LANGS}


@pytest.mark.parametrize("path", ["/\\evil.example", "/\\/evil.example/", "/\t/evil.example/"])
def test_switcher_never_links_off_the_site(path):
    links = switcher_links(path, "kk")
    assert all(is_local(link) for link in links.values()), links
    assert {lang: links[lang] for lang in LANGS if lang != "kk"} == {
        lang: f"/{lang}/" for lang in LANGS if lang != "kk"
    }


def test_switcher_links_a_normal_page_to_its_translations():
    links = switcher_links("/kk/appeals/track/", "kk")
    assert links == {lang: f"/{lang}/appeals/track/" for lang in LANGS}


def test_switcher_on_a_page_requested_with_a_double_slash_stays_local(client):
    response = client.get("/kk/", PATH_INFO="//evil.example/kk/", HTTP_ACCEPT_LANGUAGE="kk")
    html = response.content.decode()
    links = re.findall(r'href="([^"]*)" lang="[^"]+" hreflang="[^"]+" data-language', html)
    assert response.status_code == 404
    assert len(links) == 4
    assert all(link.startswith("/") and not link.startswith("//") for link in links)
    assert all("evil" not in link for link in links)
