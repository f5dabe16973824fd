"""hotline.services.submission.report_submit: one transaction, no IP, dates, notices."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from hotline import enums, receipts
from hotline.models import Report, ReportAttachment, ReportEvent
from hotline.services.submission import ReportInput, report_get_submitted, report_submit
from notifications.models import Notification
from pkop_portal.consent import consent_given, consent_text_current

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def _consent():
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.9")
    return consent_given(request, text=consent_text_current(purpose="hotline"), keep_ip=False)


def _data(**overrides):
    values = {
        "language": "kk",
        "reporter_type": enums.ReporterType.SUPPLIER,
        "category": enums.Category.CONFLICT_OF_INTEREST,
        "description": "Тендер комиссиясының мүшесі жеткізушінің туысы.",
    }
    values.update(overrides)
    return ReportInput(**values)


def test_submit_sets_number_dates_hashes_and_history():
    received = datetime(2026, 3, 2, 23, 30, tzinfo=ALMATY)
    result = report_submit(data=_data(), consent=_consent(), form_key="k1", received_at=received)
    report = result.report
    assert result.created and report.number == f"H-2026-{report.sequence:06d}"
    assert report.acknowledge_due == date(2026, 3, 9)
    assert report.receipt_hash == receipts.hash_receipt(result.receipt)
    assert report.form_key_hash and "k1" not in report.form_key_hash
    assert report.status == enums.Status.RECEIVED
    assert report.events.get().kind == ReportEvent.Kind.RECEIVED
    assert report.consent_at is not None


def test_consent_ip_never_stored():
    report = report_submit(data=_data(), consent=_consent()).report
    assert not hasattr(report, "consent_ip")
    values = Report.objects.filter(pk=report.pk).values().get()
    assert "198.51.100.9" not in str(values)


def test_same_form_key_same_report():
    first = report_submit(data=_data(), consent=_consent(), form_key="k2")
    again = report_submit(data=_data(description="другое"), consent=_consent(), form_key="k2")
    assert again.report.pk == first.report.pk and again.receipt == first.receipt
    assert not again.created and Report.objects.count() == 1
    assert report_get_submitted(form_key="k2").receipt == first.receipt


def test_without_consent_refused():
    with pytest.raises(ValidationError):
        report_submit(data=_data(), consent=None)
    assert Report.objects.count() == 0


def test_forged_file_nothing_partial():
    before = Notification.objects.count()
    forged = SimpleUploadedFile("x.png", b"GIF89a not allowed", content_type="image/png")
    with pytest.raises(ValidationError):
        report_submit(data=_data(files=[forged]), consent=_consent())
    assert Report.objects.count() == 0 and ReportAttachment.objects.count() == 0
    assert Notification.objects.count() == before


def test_compliance_notified_with_number_only(django_user_model):
    officer = django_user_model.objects.create_user(
        "officer", email="officer@pkop.kz", password="x", is_staff=True
    )
    officer.groups.add(Group.objects.get(name="Compliance officer"))
    report = report_submit(data=_data(), consent=_consent()).report
    notices = Notification.objects.filter(recipient_email="officer@pkop.kz")
    assert notices.count() == 1
    assert report.description not in str(notices.values().get())


def test_reporter_message_tells_compliance_without_content():
    from hotline import notices
    from hotline.services.submission import report_reporter_message
    from hotline.tests.test_workflow import staff
    from notifications.rendering import render_message

    officer = staff("officer", "Compliance officer")
    conflicted = staff("conflicted", "Compliance officer")
    staff("root", "Head", superuser=True)
    report = report_submit(data=_data(), consent=_consent()).report
    report.excluded_officers.add(conflicted)
    secret = "Директор получил конверт 14 мая"
    message = report_reporter_message(report_id=report.pk, text=secret)

    rows = Notification.objects.filter(event=notices.REPORTER_MESSAGE)
    assert [row.recipient_email for row in rows] == [officer.email]
    row = rows.get()
    assert row.context == {"report_id": report.pk, "number": report.number, "language_code": "ru"}
    assert str(message.pk) in row.dedupe_key
    for channel in ("email", "sms"):
        rendered = render_message(
            event=notices.REPORTER_MESSAGE, language="ru", context=row.context, channel=channel
        )
        whole = " ".join(
            str(getattr(rendered, part, "") or "") for part in ("subject", "text", "html", "sms")
        )
        assert report.number in whole
        assert secret not in whole and "конверт" not in whole
    assert secret not in str(rows.values().get())

    # One notice per message: a second message is a second notice, the same one is not.
    notices.notify_reporter_message(report, message.pk)
    assert rows.count() == 1
    report_reporter_message(report_id=report.pk, text="ещё")
    assert Notification.objects.filter(event=notices.REPORTER_MESSAGE).count() == 2
