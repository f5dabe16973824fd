"""The hotline's public pages: the report, the receipt on the POST response, the follow-up page
(no session, no cookie but CSRF, no IP, no-store), four languages."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hotline import enums, receipts
from hotline.models import Report, ReportAttachment, ReportEvent, ReportMessage
from hotline.tests.factories import RECEIPT, ReportFactory, ReportMessageFactory
from notifications.models import Notification
from pkop_portal.consent import consent_text_current
from pkop_portal.forms import new_form_key
from pkop_portal.models import HotlineLine

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _form(**overrides):
    data = {
        "reporter_type": enums.ReporterType.CONTRACTOR,
        "category": enums.Category.FRAUD,
        "description": "Акты выполненных работ подписаны за работы, которых не было.",
        "occurred": "Февраль 2026",
        "location": "Шымкент",
        "people_involved": "Прораб",
        "is_ongoing": "yes",
        "consent": "on",
        "consent_version": consent_text_current(purpose="hotline").version,
        "form_key": new_form_key(),
        "website": "",
    }
    data.update(overrides)
    return data


def _post(client, data, lang="ru", **extra):
    return client.post(f"/{lang}/hotline/report/", data, **extra)


def test_report_creates_and_shows_receipt_on_post_response(client):
    response = _post(client, _form())
    report = Report.objects.get()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    receipt = response.context["receipt"]
    assert receipts.normalise_receipt(receipt) and len(receipts.normalise_receipt(receipt)) == 20
    assert receipt in response.content.decode()
    assert report.receipt_hash == receipts.hash_receipt(receipt)
    assert report.number.startswith("H-")
    assert report.identity_sealed == "" and report.notice_email_sealed == ""
    assert report.is_ongoing is True
    assert report.consent is not None and report.consent_at is not None
    assert list(report.events.values_list("kind", flat=True)) == [ReportEvent.Kind.RECEIVED]
    # No redirect, no receipt cookie, no session.
    assert set(response.cookies) <= {"csrftoken"}
    assert Session.objects.count() == 0


def test_resent_form_same_report_same_receipt(client):
    data = _form()
    first = _post(client, data)
    second = _post(client, data)
    assert Report.objects.count() == 1
    assert first.context["receipt"] == second.context["receipt"]


def test_invalid_form_stores_nothing(client):
    response = _post(client, _form(description="", consent=""))
    assert response.status_code == 400
    assert Report.objects.count() == 0
    assert "description" in response.context["form"].errors
    assert "consent" in response.context["form"].errors


def test_honeypot_refused(client):
    response = _post(client, _form(website="http://spam"))
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_notice_email_required_when_opted_in(client):
    response = _post(client, _form(wants_notices="on"))
    assert response.status_code == 400
    assert "notice_email" in response.context["form"].errors


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.jpg", b"<html>not a jpeg</html>"), ("page.pdf", b"MZ\x90\x00 exe")],
)
def test_forged_file_refused_nothing_stored(client, name, content):
    before = Notification.objects.count()
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = _post(client, {**_form(), "files": [upload]})
    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    assert Report.objects.count() == 0
    assert ReportAttachment.objects.count() == 0
    assert Notification.objects.count() == before


def test_oversized_file_refused(client, settings):
    settings.HOTLINE_MAX_FILE_MB = 0
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    response = _post(client, {**_form(), "files": [upload]})
    assert response.status_code == 400
    assert Report.objects.count() == 0 and ReportAttachment.objects.count() == 0


def test_pdf_stored_with_metadata_flag_false(client):
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    _post(client, {**_form(), "files": [upload]})
    attachment = ReportAttachment.objects.get()
    assert attachment.metadata_removed is False
    assert attachment.content_type == "application/pdf"


def test_submit_rate_limit_counts_only_created_reports(client, settings):
    settings.HOTLINE_SUBMIT_RATE = "2/h"
    for _ in range(3):
        _post(client, _form(description=""))  # errors never count
    assert _post(client, _form()).status_code == 200
    assert _post(client, _form()).status_code == 200
    limited = _post(client, _form())
    assert limited.status_code == 429
    assert Report.objects.count() == 2
    assert limited.context["rate_limited"] is True
    # What was typed is kept.
    assert limited.context["form"]["description"].value().startswith("Акты")


def test_no_ip_anywhere(client):
    _post(client, _form(name="Иван", contact="+77011234567"), REMOTE_ADDR="203.0.113.77")
    report = Report.objects.get()
    field_names = {f.name for f in Report._meta.get_fields()}
    assert not any(n == "ip" or n.endswith("_ip") for n in field_names)
    for field in Report._meta.concrete_fields:
        assert "203.0.113.77" not in str(getattr(report, field.attname))
    assert Session.objects.count() == 0


def test_hotline_pages_set_no_cookie_but_csrf(client):
    for url in ("/ru/hotline/", "/ru/hotline/report/", "/ru/hotline/follow-up/"):
        response = client.get(url)
        assert response.status_code == 200
        assert set(response.cookies) <= {"csrftoken"}, url
        assert "no-store" in response["Cache-Control"]
    assert Session.objects.count() == 0


def test_policy_page_shows_lines_and_1424():
    from django.test import Client

    response = Client().get("/kk/hotline/")
    body = response.content.decode()
    assert "1424" in body
    lines = list(HotlineLine.objects.filter(is_active=True))
    assert lines
    for line in lines:
        assert line.phone.as_e164 in body
    assert reverse("hotline:report") in body or "/kk/hotline/report/" in body


@pytest.mark.parametrize("lang", ["kk", "ru", "en", "zh-hans"])
def test_four_languages(client, lang):
    for url, title in (
        (f"/{lang}/hotline/", "Hotline"),
        (f"/{lang}/hotline/report/", "Make a hotline report"),
        (f"/{lang}/hotline/follow-up/", "Follow a hotline report"),
    ):
        response = client.get(url)
        with translation.override(lang):
            expected = gettext(title)
        assert response.status_code == 200
        assert expected in response.content.decode()


def test_home_links_hotline_report(client):
    response = client.get("/ru/")
    assert "/ru/hotline/report/" in response.content.decode()


def test_receipt_get_shows_nothing_stored(client):
    response = client.get("/ru/hotline/receipt/")
    assert response.status_code == 200
    assert response.context["report"] is None


# --- follow-up ------------------------------------------------------------------------------


def test_follow_up_with_receipt_shows_status_and_messages(client):
    report = ReportFactory(receipt=RECEIPT, status=enums.Status.ACKNOWLEDGED)
    ReportMessageFactory(report=report, text="Вопрос от комплаенс")
    response = client.post("/ru/hotline/follow-up/", {"receipt": receipts.format_receipt(RECEIPT)})
    assert response.status_code == 200
    assert response.context["report"].pk == report.pk
    assert "Вопрос от комплаенс" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert set(response.cookies) <= {"csrftoken"}
    assert Session.objects.count() == 0


def test_follow_up_lowercase_and_spaces_accepted(client):
    report = ReportFactory(receipt=RECEIPT)
    typed = " ".join(RECEIPT[i : i + 4] for i in range(0, 20, 4)).lower()
    response = client.post("/ru/hotline/follow-up/", {"receipt": typed})
    assert response.context["report"].pk == report.pk


def test_follow_up_unknown_receipt(client):
    ReportFactory(receipt=RECEIPT)
    response = client.post("/ru/hotline/follow-up/", {"receipt": "ZZZZ2345EFGH6789JKMN"})
    assert response.status_code == 400
    assert "receipt" in response.context["form"].errors


def test_follow_up_failure_rate_limit(client, settings):
    settings.HOTLINE_FOLLOW_UP_FAILURE_RATE = "3/h"
    ReportFactory(receipt=RECEIPT)
    for _ in range(3):
        assert (
            client.post("/ru/hotline/follow-up/", {"receipt": "ZZZZ2345EFGH6789JKMN"}).status_code
            == 400
        )
    # Even the right receipt is refused while the limit holds.
    assert client.post("/ru/hotline/follow-up/", {"receipt": RECEIPT}).status_code == 429


def test_follow_up_success_does_not_count(client, settings):
    settings.HOTLINE_FOLLOW_UP_FAILURE_RATE = "2/h"
    ReportFactory(receipt=RECEIPT)
    for _ in range(5):
        assert client.post("/ru/hotline/follow-up/", {"receipt": RECEIPT}).status_code == 200


def test_reporter_message_with_receipt(client):
    report = ReportFactory(receipt=RECEIPT)
    response = client.post(
        "/ru/hotline/follow-up/message/",
        {"message-receipt": receipts.format_receipt(RECEIPT), "message-text": "Есть документы."},
    )
    assert response.status_code == 200
    assert response.context["sent"] is True
    message = ReportMessage.objects.get(report=report)
    assert message.by is None and message.text == "Есть документы."
    assert report.events.filter(kind=ReportEvent.Kind.MESSAGE).count() == 1
    # The re-rendered page carries the receipt for the next message, not in a URL or cookie.
    assert 'name="message-receipt"' in response.content.decode()
    assert set(response.cookies) <= {"csrftoken"}
    assert Session.objects.count() == 0


def test_reporter_message_wrong_receipt_stores_nothing(client):
    ReportFactory(receipt=RECEIPT)
    response = client.post(
        "/ru/hotline/follow-up/message/",
        {"message-receipt": "ZZZZ2345EFGH6789JKMN", "message-text": "x"},
    )
    assert response.status_code == 400
    assert ReportMessage.objects.count() == 0


def test_reporter_message_empty_refused(client):
    ReportFactory(receipt=RECEIPT)
    response = client.post(
        "/ru/hotline/follow-up/message/", {"message-receipt": RECEIPT, "message-text": ""}
    )
    assert response.status_code == 400
    assert ReportMessage.objects.count() == 0


def test_reporter_message_closed_report_refused(client):
    ReportFactory(receipt=RECEIPT, status=enums.Status.CLOSED)
    response = client.post(
        "/ru/hotline/follow-up/message/", {"message-receipt": RECEIPT, "message-text": "x"}
    )
    assert response.status_code == 400
    assert ReportMessage.objects.count() == 0


def test_reporter_files_only(client):
    report = ReportFactory(receipt=RECEIPT)
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/ru/hotline/follow-up/message/", {"message-receipt": RECEIPT, "message-files": [upload]}
    )
    assert response.status_code == 200
    assert ReportAttachment.objects.filter(report=report).count() == 1
    assert report.events.filter(kind=ReportEvent.Kind.FILES).count() == 1


def test_message_rate_limit(client, settings):
    settings.HOTLINE_MESSAGE_RATE = "2/h"
    ReportFactory(receipt=RECEIPT)
    data = {"message-receipt": RECEIPT, "message-text": "x"}
    assert client.post("/ru/hotline/follow-up/message/", data).status_code == 200
    assert client.post("/ru/hotline/follow-up/message/", data).status_code == 200
    assert client.post("/ru/hotline/follow-up/message/", data).status_code == 429
    assert ReportMessage.objects.count() == 2


def test_attempt_limit_counts_invalid_posts_and_keeps_the_text(client, settings):
    settings.HOTLINE_SUBMIT_REJECTED_RATE = "3/h"
    for _ in range(3):
        assert _post(client, _form(description="")).status_code == 400  # invalid, counted
    limited = _post(client, _form(description="Набранный текст"))
    assert limited.status_code == 429
    assert limited.context["rate_limited"] is True
    assert limited.context["form"]["description"].value() == "Набранный текст"
    errors = limited.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["rate_limited"]
    assert Report.objects.count() == 0
    html = limited.content.decode()
    assert "Набранный текст" in html


def test_attempt_limit_boundary(client, settings):
    settings.HOTLINE_SUBMIT_REJECTED_RATE = "2/h"
    settings.HOTLINE_SUBMIT_RATE = "100/h"
    assert _post(client, _form(description="")).status_code == 400
    assert _post(client, _form()).status_code == 200  # accepted: not counted as rejected
    assert _post(client, _form(description="")).status_code == 400  # the 2nd rejected
    assert _post(client, _form()).status_code == 429
    assert Report.objects.count() == 1


def test_attempt_limit_fails_open(client, settings, monkeypatch):
    from pkop_portal import ratelimits

    settings.HOTLINE_SUBMIT_REJECTED_RATE = "1/h"
    settings.HOTLINE_SUBMIT_RATE = "1/h"

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    broken.ALL = None
    monkeypatch.setattr(ratelimits, "get_usage", broken)
    assert _post(client, _form()).status_code == 200
    assert _post(client, _form()).status_code == 200
    assert Report.objects.count() == 2


def test_form_key_resend_within_the_hour_shows_the_receipt(client, clock):
    from datetime import UTC, datetime, timedelta

    from hotline.services.submission import HOTLINE_FORM_KEY_SECONDS

    start = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    clock.set(start)
    data = _form()
    first = _post(client, data)
    clock.set(start + timedelta(seconds=HOTLINE_FORM_KEY_SECONDS))
    again = _post(client, data)
    assert again.status_code == 200
    assert again.context["receipt"] == first.context["receipt"]
    assert Report.objects.count() == 1


def test_form_key_expired_after_the_hour(client, clock):
    from datetime import UTC, datetime, timedelta

    from hotline.services.submission import HOTLINE_FORM_KEY_SECONDS

    start = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    clock.set(start)
    data = _form()
    first = _post(client, data)
    receipt = first.context["receipt"]
    clock.set(start + timedelta(seconds=HOTLINE_FORM_KEY_SECONDS + 1))
    late = _post(client, data)
    assert late.status_code == 400
    assert Report.objects.count() == 1
    assert "receipt" not in late.context or not late.context.get("receipt")
    assert receipt not in late.content.decode()
    errors = late.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["form_key_expired"]


def test_message_rate_limit_keeps_the_text(client, settings):
    settings.HOTLINE_MESSAGE_RATE = "1/h"
    report = ReportFactory(receipt=RECEIPT)
    data = {"message-receipt": RECEIPT, "message-text": "первое"}
    assert client.post("/ru/hotline/follow-up/message/", data).status_code == 200
    data["message-text"] = "Второе сообщение, не потерять"
    limited = client.post("/ru/hotline/follow-up/message/", data)
    assert limited.status_code == 429
    assert limited.context["report"].pk == report.pk
    form = limited.context["message_form"]
    assert form["text"].value() == "Второе сообщение, не потерять"
    assert [error.code for error in form.non_field_errors().as_data()] == ["rate_limited"]
    html = limited.content.decode()
    assert "Второе сообщение, не потерять" in html and 'id="message-errors"' in html
    assert ReportMessage.objects.count() == 1


def test_message_rate_limit_with_a_wrong_receipt_shows_nothing(client, settings):
    settings.HOTLINE_MESSAGE_RATE = "1/h"
    ReportFactory(receipt=RECEIPT)
    data = {"message-receipt": "ZZZZ2345EFGH6789JKMN", "message-text": "x"}
    client.post("/ru/hotline/follow-up/message/", data)
    response = client.post("/ru/hotline/follow-up/message/", data)
    assert response.status_code == 400
    assert "report" not in response.context
