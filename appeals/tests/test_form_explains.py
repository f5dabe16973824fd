"""The public forms explain themselves (issue 13, GOV.UK patterns): fields shown by applicant type
without JavaScript, required fields marked, hints before any error, and an error summary at the
top linking every error to its field."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from appeals import enums
from appeals.forms import KIND_HINTS
from appeals.models import Appeal
from appeals.tests.factories import VALID_BIN
from appeals.tests.test_views import form_data
from charity.tests.test_views_public import apply as charity_apply
from charity.tests.test_views_public import media  # noqa: F401 (a fixture, used by name)
from reception.tests.test_views import form as booking_form
from reception.tests.test_views import slot  # noqa: F401 (a fixture, used by name)

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]


def tr(text, lang):
    with translation.override(lang):
        return gettext(text)


def escaped(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")


def summary_links(html: str) -> list[tuple[str, str]]:
    """(target id, text) of every link in the error summary, in order."""
    summary = re.search(r'<div class="[^"]*error-summary.*?</ul>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', summary.group(0))


@pytest.mark.parametrize("lang", LANGS)
def test_empty_form_explains_kinds_contact_and_required_fields_before_any_error(client, lang):
    html = client.get(f"/{lang}/appeals/new/").content.decode()
    assert "error-summary" not in html
    # A hint for each of the six kinds of appeal, tied to its radio, translated.
    for index, kind in enumerate(enums.Kind):
        # In the page's language (the translations arrive with the locale files).
        hint = tr(KIND_HINTS[kind], lang)
        hint_div = f'<div class="form-text mt-0" id="id_kind_{index}_hint">{escaped(hint)}</div>'
        assert hint_div in html
        radio = re.search(rf'<input type="radio" name="kind" value="{kind.value}"[^>]*>', html)
        assert f'aria-describedby="id_kind_{index}_hint"' in radio.group(0)
    # "Phone or e-mail" is said before anything is sent.
    contact = tr("Give a phone number, an e-mail address, or both.", lang)
    assert f'<p class="form-text" id="contact-hint">{contact}</p>' in html
    assert '<fieldset class="mb-3" aria-describedby="contact-hint">' in html
    # Required fields are marked, the conditionally required ones included.
    assert tr("Fields marked with * are required.", lang) in html
    for name in ("iin", "organisation_name", "bin", "cosigners_count", "full_name", "address"):
        label = re.search(rf'<label\s+for="id_{name}"[^>]*>(.*?)</label>', html, re.S).group(1)
        assert label.strip().endswith('<span class="asteriskField">*</span>'), name
    # The organisation's fields and the co-signers sit in blocks the stylesheet reveals.
    organisation = html.split('id="organisation-fields"')[1].split('id="div_id_address"')[0]
    assert 'name="organisation_name"' in organisation and 'name="bin"' in organisation
    assert re.search(r'id="cosigners-fields"[^>]*>\s*<div id="div_id_cosigners_count"', html)
    # Where scripts run, the revealing choices also say what they control (aria-controls).
    assert 'data-reveal-by="input[name=applicant_type][value=legal_entity]"' in html
    assert 'data-reveal-by="input[name=is_collective]"' in html
    assert '<script src="/static/js/conditional-reveal.js" defer></script>' in html


def test_the_stylesheet_reveals_organisation_fields_and_cosigners_without_javascript(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/portal.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    section = css.split("/* === D1: forms that explain themselves === */")[1]
    assert (
        '.appeal-form:not(:has(input[name="applicant_type"][value="legal_entity"]:checked)) '
        ".reveal-organisation" in section
    )
    collective = '.appeal-form:not(:has(input[name="is_collective"]:checked))'
    assert f"{collective} .reveal-cosigners" in section
    # Hidden only where :has() exists: an older browser shows every field instead of none.
    assert section.index("@supports selector(:has(*))") < section.index(".reveal-organisation")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_error_summary_links_every_error_to_its_field_and_keeps_what_was_typed(client, lang):
    data = form_data(
        iin="12345",
        phone="",
        email="",
        kind=None,
        is_collective="on",
        consent=None,
        subject="Помощь",
    )
    html = client.post(f"/{lang}/appeals/new/", data).content.decode()
    expected = [
        ("id_iin", "An IIN has exactly 12 digits."),
        ("id_phone", "Give a phone number or an e-mail address."),
        ("id_kind_0", "This field is required."),
        ("id_cosigners_count", "Give the number of co-signers."),
        (
            "id_consent",
            "You must consent to the processing of personal data to submit an appeal.",
        ),
    ]
    assert summary_links(html) == [(target, escaped(tr(text, lang))) for target, text in expected]
    # Every link leads to an element of the page, and the summary comes before the form.
    for target, _text in expected:
        assert f'id="{target}"' in html
    assert html.index("error-summary") < html.index('<form method="post"')
    assert tr("Please correct the errors below.", lang) in html
    # It takes the focus on load (autofocus, and static/js/error-summary.js where scripts run).
    assert re.search(r'class="[^"]*error-summary[^"]*"[^>]*tabindex="-1" autofocus', html)
    assert '<script src="/static/js/error-summary.js" defer></script>' in html
    # What was typed is kept.
    assert 'value="Помощь"' in html
    assert 'value="12345"' in html
    collective = re.search(r'<input type="checkbox" name="is_collective"[^>]*>', html).group(0)
    assert collective.endswith(" checked>")


def test_an_unchosen_kind_is_kept_chosen_after_an_error(client):
    html = client.post("/en/appeals/new/", form_data(kind="report", phone="", email="")).content
    radio = re.search(rb'<input type="radio" name="kind" value="report"[^>]*>', html).group(0)
    assert b" checked" in radio


def test_organisation_fields_sent_by_an_individual_are_neither_checked_nor_kept(client):
    # A browser without :has() shows them to everyone: an individual may have typed in them.
    data = form_data(organisation_name="ТОО Ромашка", bin="980511400001")  # a bad check digit
    assert client.post("/en/appeals/new/", data).status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.organisation_name, appeal.bin) == ("", "")


def test_cosigners_of_an_appeal_that_is_not_collective_are_not_kept(client):
    assert client.post("/en/appeals/new/", form_data(cosigners_count="0")).status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.is_collective, appeal.cosigners_count) == (False, 0)


def test_a_representative_still_gets_the_organisation_errors_linked(client):
    data = form_data(applicant_type="legal_entity", iin="", organisation_name="", bin="1")
    html = client.post("/en/appeals/new/", data).content.decode()
    targets = [target for target, _text in summary_links(html)]
    assert targets == ["id_organisation_name", "id_bin"]
    ok = form_data(applicant_type="legal_entity", iin="", organisation_name="ТОО", bin=VALID_BIN)
    assert client.post("/en/appeals/new/", ok).status_code == 302
    assert Appeal.objects.get().bin == VALID_BIN


def test_the_error_summary_is_shared_by_the_hotline_form(client):
    from pkop_portal.forms import new_form_key

    data = {"description": "", "form_key": new_form_key(), "website": ""}
    html = client.post("/en/hotline/report/", data).content.decode()
    targets = [target for target, _text in summary_links(html)]
    assert "id_description" in targets
    assert "id_consent" in targets


def test_the_error_summary_is_shared_by_the_booking_form(client, slot):  # noqa: F811
    data = {**booking_form(client, slot), "iin": "12345", "consent": ""}
    html = client.post(f"/en/reception/slot/{slot.pk}/book/", data).content.decode()
    assert summary_links(html) == [
        ("id_iin", "An IIN has exactly 12 digits."),
        ("id_consent", "You must consent to the processing of personal data to book a visit."),
    ]
    assert 'value="Айгерим Садыкова"' in html


def test_the_error_summary_links_the_errors_of_the_charity_member_rows(client, media):  # noqa: F811
    html = charity_apply(client, "en", **{"members-1-birth_date": "2999-01-01"}).content.decode()
    assert ("id_members-1-birth_date", "The date of birth cannot be in the future.") in (
        summary_links(html)
    )
    assert 'id="id_members-1-birth_date"' in html
