"""Every time shown to citizens carries its zone ("Shymkent time (UTC+5)"), and a printed
receipt carries the organisation, the address to follow the case, the hotline and the date."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from appeals.tests.factories import AppealFactory
from charity.tests.factories import CharityRequestFactory
from hotline.tests.factories import ReportFactory
from pkop_portal.templatetags.portal_time import local_time, zone_text

MOMENT = datetime(2027, 1, 12, 5, 0, tzinfo=UTC)  # 10:00 in Shymkent


def render(text: str, **context) -> str:
    return Template("{% load portal_time %}" + text).render(Context(context))


def test_local_time_is_shymkent_time_with_the_zone():
    with translation.override("en"):
        assert local_time(MOMENT) == "12.01.2027 10:00 (Shymkent time, UTC+5)"
        assert render("{{ t|local_time }}", t=MOMENT) == "12.01.2027 10:00 (Shymkent time, UTC+5)"


def test_local_time_takes_a_format_and_any_source_zone():
    beijing = MOMENT.astimezone(timezone(timedelta(hours=8)))
    with translation.override("en"):
        assert render('{{ t|local_time:"l, d.m.Y H:i" }}', t=beijing) == (
            "Tuesday, 12.01.2027 10:00 (Shymkent time, UTC+5)"
        )


def test_naive_time_is_taken_as_local_and_nothing_gives_nothing():
    with translation.override("en"):
        assert local_time(datetime(2027, 1, 12, 10, 0)).startswith("12.01.2027 10:00 ")
        assert local_time(None) == ""
        assert local_time("") == ""


@pytest.mark.parametrize("lang", ["kk", "ru", "en", "zh-hans"])
def test_zone_is_said_in_every_language(lang):
    with translation.override(lang):
        text = local_time(MOMENT)
        assert text.startswith("12.01.2027 10:00")
        assert "UTC+5" in text
        # Chinese writes full-width parentheses: "奇姆肯特时间（UTC+5）".
        assert zone_text(MOMENT).endswith(("(UTC+5)", "（UTC+5）"))


def test_local_zone_and_printed_at_tags():
    with translation.override("en"):
        assert render("{% local_zone %}") == "Shymkent time (UTC+5)"
        assert render("{% printed_at %}").endswith(" (Shymkent time, UTC+5)")


def _request(path: str):
    request = RequestFactory().get(path)
    request.session = {}
    return request


def _slip(html: str) -> str:
    return html.split('id="print-slip"')[1].split("</div>")[0]


def _assert_prints_what_citizens_need(html: str, address: str):
    slip = _slip(html)
    assert "PKOP LLP, Shymkent oil refinery" in slip
    assert address in slip
    assert "8 (7252) 24 13 70" in slip  # the hotline numbers (seeded by pkop_portal 0002)
    assert "Printed:" in slip and "(Shymkent time, UTC+5)" in slip
    assert "<code" not in html  # Bootstrap's pink <code> is never used for the code


def _receipt(template: str, lang: str, **context) -> str:
    with translation.override(lang):
        return render_to_string(template, context, request=_request(f"/{lang}/receipt/"))


@pytest.mark.django_db
def test_appeal_receipt_shows_zone_and_prints_slip():
    appeal = AppealFactory(received_at=MOMENT)
    html = _receipt("appeals/receipt.html", "en", appeal=appeal, code="ABCD-EFGH-JKLM")
    assert "12.01.2027 10:00 (Shymkent time, UTC+5)" in html
    assert '<span class="receipt-code fs-5" id="access-code">ABCD-EFGH-JKLM</span>' in html
    _assert_prints_what_citizens_need(html, "http://testserver/en/appeals/track/")


@pytest.mark.django_db
def test_charity_receipt_shows_zone_and_prints_slip():
    track_url = "http://testserver/ru/charity/track/"
    charity_request = CharityRequestFactory(received_at=MOMENT)
    html = _receipt(
        "charity/receipt.html",
        "ru",
        charity_request=charity_request,
        code="ABCD-2345-EFGH",
        track_url=track_url,
    )
    assert "12.01.2027 10:00 (" in html and "UTC+5)" in html
    assert 'id="access-code">ABCD-2345-EFGH<' in html
    assert track_url in _slip(html) and "7252" in _slip(html)


@pytest.mark.django_db
def test_hotline_receipt_shows_zone_and_prints_slip():
    follow_up_url = "http://testserver/en/hotline/follow-up/"
    report = ReportFactory(received_at=MOMENT)
    receipt = "ABCD-2345-EFGH-6789-JKMN"
    html = _receipt(
        "hotline/receipt.html", "en", report=report, receipt=receipt, follow_up_url=follow_up_url
    )
    assert f'<span class="receipt-code fs-3" id="receipt">{receipt}</span>' in html
    assert 'id="received-at">12.01.2027 10:00 (Shymkent time, UTC+5)<' in html
    _assert_prints_what_citizens_need(html, follow_up_url)
