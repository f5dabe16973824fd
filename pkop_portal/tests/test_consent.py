"""Consent on every public form: the text of the form's purpose is shown, and the record stores
the version shown, the time and the client's IP (behind the proxy too)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext

from appeals.models import Appeal
from pkop_portal.consent import Consent, consent_given, consent_text_current
from pkop_portal.models import ConsentText
from pkop_portal.tests.public_forms import (
    APPEAL_URL,
    appeal_form,
    booking_form,
    booking_url,
    free_slot,
    hidden_fields,
)
from reception import services
from reception.models import Booking

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]
COLUMN = {"kk": "text_kk", "ru": "text_ru", "en": "text_en", "zh-hans": "text_zh_hans"}


def tr(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


@pytest.fixture
def slot():
    return free_slot()


def new_version(purpose: str, version: str = "2027-1") -> ConsentText:
    """A newer consent text of `purpose`, as staff add it in the admin."""
    current = consent_text_current(purpose=purpose)
    return ConsentText.objects.create(
        purpose=purpose,
        version=version,
        text_kk="ЖАҢА " + current.text_kk,
        text_ru="НОВАЯ РЕДАКЦИЯ " + current.text_ru,
        text_en="NEW WORDING " + current.text_en,
        text_zh_hans="新版 " + current.text_zh_hans,
        valid_from=current.valid_from + timedelta(days=1),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_each_page_shows_the_consent_text_of_its_own_purpose(client, slot, lang):
    appeal_text = consent_text_current(purpose="appeal")
    reception_text = consent_text_current(purpose="reception")
    booking_page = client.get(booking_url(slot, lang)).content.decode()
    appeal_page = client.get(APPEAL_URL.format(lang=lang)).content.decode()

    # The texts of all purposes open alike: the first 40 characters show a text is there, the
    # whole text which one.
    assert getattr(reception_text, COLUMN[lang])[:40] in booking_page
    assert getattr(reception_text, COLUMN[lang]) in booking_page
    assert getattr(appeal_text, COLUMN[lang]) not in booking_page
    assert hidden_fields(booking_page)["consent_version"] == reception_text.version
    assert getattr(appeal_text, COLUMN[lang])[:40] in appeal_page
    assert getattr(appeal_text, COLUMN[lang]) in appeal_page
    assert getattr(reception_text, COLUMN[lang]) not in appeal_page
    assert hidden_fields(appeal_page)["consent_version"] == appeal_text.version


def test_reception_consent_names_what_reception_collects_and_no_appeal_files(client, slot):
    page = client.get(booking_url(slot, "en")).content.decode()
    block = page.split('id="consent-text">')[1].split("</p>")[0]
    assert (
        "full name; IIN or, if I have no IIN, the kind and number of my identity document; "
        "phone, e-mail, the topic and description of my question" in block
    )
    assert "file" not in block.lower()


def test_booking_stores_the_version_shown_the_time_and_the_client_ip(client, slot):
    before = timezone.now()
    response = client.post(booking_url(slot), booking_form(client, slot), REMOTE_ADDR="203.0.113.7")
    booking = Booking.objects.get()
    assert response["Location"] == f"/ru/reception/booking/{booking.number}/"
    assert booking.consent == consent_text_current(purpose="reception")
    assert booking.consent.version == "2026-2"
    assert before <= booking.consent_at <= timezone.now()
    assert booking.consent_ip == "203.0.113.7"


def test_booking_behind_the_proxy_stores_the_clients_ip_not_the_proxys(client, slot, settings):
    settings.PROXY_COUNT = 1
    client.post(
        booking_url(slot),
        booking_form(client, slot),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert Booking.objects.get().consent_ip == "198.51.100.23"


def test_a_forged_forwarded_header_without_a_proxy_changes_nothing(client, slot, settings):
    settings.PROXY_COUNT = 0
    client.post(
        booking_url(slot),
        booking_form(client, slot),
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert Booking.objects.get().consent_ip == "203.0.113.7"


def test_appeal_stores_the_version_shown_the_time_and_the_client_ip(client, settings):
    settings.PROXY_COUNT = 1
    before = timezone.now()
    response = client.post(
        APPEAL_URL.format(lang="kk"),
        appeal_form(client, "kk"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.41",
    )
    appeal = Appeal.objects.get()
    assert response["Location"] == "/kk/appeals/receipt/"
    assert appeal.consent == consent_text_current(purpose="appeal")
    assert before <= appeal.consent_at <= timezone.now()
    assert appeal.consent_ip == "198.51.100.41"


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_booking_without_the_tick_is_a_translated_form_error(client, slot, lang):
    response = client.post(booking_url(slot, lang), booking_form(client, slot, lang, consent=None))
    html = response.content.decode()
    assert response.status_code == 400
    assert tr("You must consent to the processing of personal data to book a visit.", lang) in html
    assert Booking.objects.count() == 0


def test_text_changed_while_the_page_was_open_is_shown_again_unticked(client, slot):
    data = booking_form(client, slot, "en")
    newer = new_version("reception")

    response = client.post(booking_url(slot, "en"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert Booking.objects.count() == 0
    assert (
        "The consent text was updated while this page was open. Please read the new text and "
        "tick the box again."
    ) in html
    assert newer.text_en[:40] in html
    assert hidden_fields(html)["consent_version"] == "2027-1"
    checkbox = html.split('name="consent"')[1].split(">")[0]
    assert "checked" not in checkbox
    assert 'value="Айгерим Садыкова"' in html  # what was typed is kept

    client.post(booking_url(slot, "en"), {**data, "consent_version": "2027-1"})
    assert Booking.objects.get().consent == newer


def test_appeal_with_an_outdated_consent_version_is_refused(client):
    data = appeal_form(client, "ru")
    new_version("appeal")
    response = client.post(APPEAL_URL.format(lang="ru"), data)
    assert response.status_code == 400
    assert (
        tr(
            "The consent text was updated while this page was open. Please read the new text and "
            "tick the box again.",
            "ru",
        )
        in response.content.decode()
    )
    assert Appeal.objects.count() == 0


def test_no_consent_text_for_the_purpose_means_no_booking(client, slot):
    data = booking_form(client, slot, "en")
    ConsentText.objects.filter(purpose="reception").delete()
    html = client.post(booking_url(slot, "en"), data).content.decode()
    assert "The personal-data consent text is not available" in html
    assert Booking.objects.count() == 0


def test_booking_service_refuses_a_booking_without_consent(slot):
    data = services.BookingInput(
        full_name="A", iin="870101300009", topic="t", language="ru", email="a@example.kz"
    )
    with pytest.raises(ValidationError) as exc:
        services.booking_create(slot_id=slot.pk, data=data, idempotency_key="k" * 32)
    assert exc.value.code == "no_consent"
    assert Booking.objects.count() == 0


def test_consent_given_keeps_the_ip_unless_the_purpose_forbids_it(settings):
    settings.PROXY_COUNT = 1
    request = RequestFactory().post(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    text = consent_text_current(purpose="hotline")
    given = consent_given(request, text=text)
    assert (given.text, given.ip) == (text, "198.51.100.7")
    assert abs(given.at - timezone.now()) < timedelta(seconds=5)
    anonymous = consent_given(request, text=text, keep_ip=False)
    assert anonymous.ip is None
    assert anonymous.record_fields() == {
        "consent": text,
        "consent_at": anonymous.at,
        "consent_ip": None,
    }
    assert isinstance(anonymous, Consent)


def test_staff_see_the_consent_of_a_booking(client, slot):
    from django.contrib.auth import get_user_model

    client.post(booking_url(slot), booking_form(client, slot), REMOTE_ADDR="203.0.113.7")
    booking = Booking.objects.get()
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.kz", "x"))
    page = client.get(f"/en/admin/reception/booking/{booking.pk}/change/").content.decode()
    with translation.override("en"):
        assert str(booking.consent) == "Personal reception 2026-2"
    assert "Personal reception 2026-2" in page
    assert "203.0.113.7" in page
