"""The report form explains itself (issue 13): the e-mail for notices is revealed by its box and
dropped without it; required fields are marked, and nothing about the reporter becomes required."""

import re

import pytest
from django.core.cache import cache

from hotline import crypto, enums
from hotline.models import Report
from pkop_portal.consent import consent_text_current
from pkop_portal.forms import new_form_key

pytestmark = pytest.mark.django_db
URL = "/en/hotline/report/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def report_form(**overrides):
    return {
        "reporter_type": enums.ReporterType.CONTRACTOR,
        "category": enums.Category.FRAUD,
        "description": "Acts were signed for work that was never done.",
        "is_ongoing": "unknown",
        "consent": "on",
        "consent_version": consent_text_current(purpose="hotline").version,
        "form_key": new_form_key(),
        "website": "",
        **overrides,
    }


@pytest.mark.parametrize("typed", ["not-an-address", "someone@example.kz", "x" * 300])
def test_unticked_box_ignores_whatever_the_hidden_email_field_holds(client, typed):
    response = client.post(URL, report_form(notice_email=typed))
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.notice_email_sealed == ""


def test_ticked_box_without_an_email_asks_for_one(client):
    response = client.post(URL, report_form(wants_notices="on", notice_email=""))
    assert response.status_code == 400
    assert response.context["form"].errors["notice_email"] == [
        "Give the e-mail address for notices, or untick the box."
    ]
    assert 'href="#id_notice_email"' in response.content.decode()
    assert Report.objects.count() == 0


def test_ticked_box_with_a_malformed_email_gets_one_error_and_keeps_it(client):
    response = client.post(URL, report_form(wants_notices="on", notice_email="not-an-address"))
    assert response.status_code == 400
    assert response.context["form"].errors["notice_email"] == ["Enter a valid email address."]
    assert 'value="not-an-address"' in response.content.decode()
    assert Report.objects.count() == 0


def test_ticked_box_with_an_email_keeps_it_sealed(client):
    response = client.post(URL, report_form(wants_notices="on", notice_email="reporter@example.kz"))
    assert response.status_code == 200
    report = Report.objects.get()
    assert crypto.open_text(report.notice_email_sealed) == "reporter@example.kz"


def test_report_page_marks_required_fields_and_reveals_the_email_by_its_box(client):
    html = client.get(URL).content.decode()
    assert "Fields marked with * are required." in html
    assert re.search(
        r'for="id_description"[^>]*>\s*What happened\?<span class="asteriskField"', html
    )
    reveal = re.search(
        r'<div class="reveal reveal-notice-email" id="notice-email-fields" '
        r'data-reveal-by="input\[name=wants_notices\]">(.*?)</div>\s*</fieldset>',
        html,
        re.S,
    )
    assert reveal and 'name="notice_email"' in reveal.group(1)
    assert "js/conditional-reveal" in html
    # "About you (optional)": nothing there is marked required but the revealed e-mail.
    about = html.split("About you (optional)")[1].split("</fieldset>")[0]
    assert about.count("asteriskField") == 1
    assert re.search(r'for="id_notice_email"[^>]*>\s*E-mail for notices<span', about)


def test_about_you_stays_optional(client):
    response = client.post(URL, report_form(name="", position="", contact="", wants_notices=""))
    assert response.status_code == 200
    assert Report.objects.get().identity_sealed == ""
