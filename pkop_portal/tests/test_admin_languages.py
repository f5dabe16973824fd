"""The Kazakh and Chinese admin has no English left from Django, and dates read dd.mm.yyyy HH:MM.

Django's own kk catalogue lacks many admin strings; ours (pkop_portal/admin_strings.py) fills
them, and pkop_portal/locale_formats/ gives every language the 24-hour dd.mm.yyyy formats.
"""

import datetime
import json
import re

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import formats, timezone, translation

from appeals.tests.factories import AppealFactory, staff_user
from notifications.events import EVENTS, LABELS
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

# Django's admin strings seen in English in the kk and zh-hans admin before our catalogue.
ENGLISH = (
    "Authentication and Authorization",
    "Recent actions",
    "My actions",
    "View site",
    "Start typing to filter",
    "Show counts",
    "Hide counts",
    "Log out",
    "Welcome",
    "Change password",
    "Select appeal to change",
)
# A 12-hour clock in any language: "2:46 p.m.", Django's Kazakh "Т.Ж.", "AM"/"PM".
TWELVE_HOUR = re.compile(r"\b[ap]\.m\.|Т\.Ж\.|Т\.Қ\.|\d{1,2}:\d\d\s?[AP]M\b", re.IGNORECASE)

RECEIVED = datetime.datetime(2026, 11, 30, 14, 46)


@pytest.fixture(params=["superuser", "head"])
def staff(request, client):
    if request.param == "superuser":
        user = User.objects.create_superuser("root", "root@example.kz", "x")
    else:
        user = staff_user("head", "Head")
    client.force_login(user)
    return user


@pytest.fixture
def appeal():
    return AppealFactory(received_at=timezone.make_aware(RECEIVED))


def english_left(html: str) -> list[str]:
    lowered = html.lower()
    found = [text for text in ENGLISH if text.lower() in lowered]
    return found + TWELVE_HOUR.findall(html)


@pytest.mark.parametrize("lang", ["kk", "zh-hans"])
def test_admin_pages_have_no_english_left(client, staff, appeal, lang):
    pages = (
        f"/{lang}/admin/",
        f"/{lang}/admin/appeals/appeal/?all=1",
        f"/{lang}/admin/appeals/appeal/{appeal.pk}/change/",
    )
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_left(response.content.decode()) == [], url


@pytest.mark.parametrize("lang", ["kk", "zh-hans"])
def test_appeal_page_shows_received_at_as_dd_mm_yyyy_24_hour(client, staff, appeal, lang):
    html = client.get(f"/{lang}/admin/appeals/appeal/{appeal.pk}/change/").content.decode()
    assert "30.11.2026 14:46" in html


@pytest.mark.parametrize("lang", [code for code, _name in settings.LANGUAGES])
def test_every_language_formats_dates_dd_mm_yyyy_24_hour(lang):
    moment = timezone.make_aware(RECEIVED)
    with translation.override(lang):
        assert formats.localize(timezone.localtime(moment)) == "30.11.2026 14:46"
        assert formats.date_format(moment.date()) == "30.11.2026"
        assert formats.time_format(moment.time()) == "14:46"


@pytest.mark.parametrize("lang", [code for code, _name in settings.LANGUAGES])
def test_admin_date_inputs_accept_dd_mm_yyyy_and_iso(lang):
    with translation.override(lang):
        # The calendar widget writes the first input format; ISO stays accepted.
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d.%m.%Y"
        field = forms.DateField()
        assert field.clean("30.11.2026") == field.clean("2026-11-30") == RECEIVED.date()
        assert forms.DateTimeField().clean("30.11.2026 14:46") == timezone.make_aware(RECEIVED)


def test_every_event_has_a_label():
    assert sorted(EVENTS) == sorted(LABELS)


def test_outbox_list_shows_event_language_and_channel_names_in_kazakh(client, staff):
    NotificationFactory(
        event="appeal.registered",
        language="zh-hans",
        context={"number": "A-2026-000123"},
    )
    html = client.get("/kk/admin/notifications/notification/").content.decode()
    with translation.override("kk"):
        label = str(LABELS["appeal.registered"])
        chinese = str(dict(settings.LANGUAGES)["zh-hans"])
    assert label == "Өтініш тіркелді"
    assert f">{label}<" in html
    assert f">{chinese}<" in html
    assert ">appeal.registered<" not in html
    assert ">zh-hans<" not in html
    assert ">email<" not in html


def test_admin_javascript_catalogue_is_kazakh(client, staff):
    # The calendar, the time picker and the "0 of 3 selected" counter (locale/kk/djangojs.po).
    script = client.get("/kk/admin/jsi18n/").content.decode()
    for kazakh in ("Қаңтар", "Күнді таңдаңыз", "ішінен", "18:00"):
        assert json.dumps(kazakh)[1:-1] in script  # the catalogue is JSON, \u-escaped
    # The calendar widget writes the first input format.
    assert re.search(r'"DATE_INPUT_FORMATS": \[\s*"%d\.%m\.%Y"', script)
