"""The hotline's notices say that something happened, never what: rendered in every language."""

import pytest
from django.core import mail

from hotline import crypto, notices
from hotline.tests.factories import ReportFactory
from hotline.tests.test_workflow import staff
from notifications.models import Notification
from notifications.rendering import render_message
from notifications.services import notification_deliver

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]


def content_of(report) -> list[str]:
    return [report.description[:20], report.location, report.people_involved, report.occurred]


def test_new_report_goes_to_every_active_compliance_member_only():
    officer = staff("officer", "Compliance officer")
    head = staff("head", "Compliance head")
    staff("root", "Head", superuser=True)
    staff("clerk", "Charity officer")
    staff("gone", "Compliance officer", is_active=False)
    report = ReportFactory()

    assert notices.notify_new_report(report) == 2

    rows = Notification.objects.filter(event="hotline.new_report")
    assert sorted(r.recipient_email for r in rows) == [head.email, officer.email]
    assert all(r.channel == "email" for r in rows)
    assert all(r.context == {"report_id": report.pk, "number": report.number,
                             "language_code": "ru"} for r in rows)  # fmt: skip
    # Idempotent per report and member.
    notices.notify_new_report(report)
    assert Notification.objects.filter(event="hotline.new_report").count() == 2


def test_an_excluded_officer_is_not_told():
    officer = staff("officer", "Compliance officer")
    report = ReportFactory()
    report.excluded_officers.add(officer)
    assert notices.notify_new_report(report) == 0


@pytest.mark.parametrize("lang", LANGS)
def test_new_report_notice_names_the_number_and_the_admin_link_only(lang):
    report = ReportFactory()
    context = {"report_id": report.pk, "number": report.number, "language_code": lang}
    message = render_message(
        event="hotline.new_report", language=lang, context=context, channel="email"
    )
    assert report.number in message.subject and report.number in message.text
    assert f"/admin/hotline/report/{report.pk}/change/" in message.text
    assert f"/admin/hotline/report/{report.pk}/change/" in message.html
    for text in content_of(report):
        assert text not in message.text + message.html + message.subject
    assert f'<html lang="{lang}">' in message.html
    sms = render_message(event="hotline.new_report", language=lang, context=context, channel="sms")
    assert report.number in sms.sms


def test_new_report_notice_is_delivered_by_the_outbox():
    staff("officer", "Compliance officer")
    report = ReportFactory()
    notices.notify_new_report(report)
    row = Notification.objects.get(event="hotline.new_report")
    assert notification_deliver(notification_id=row.pk).status == "sent"
    assert mail.outbox[-1].to == ["officer@example.kz"]
    assert report.description[:20] not in mail.outbox[-1].body


@pytest.mark.parametrize("lang", LANGS)
def test_reporter_notice_says_only_there_is_news(lang):
    report = ReportFactory(language=lang, notice_email_sealed=crypto.seal_text("r@example.kz"))
    assert notices.reporter_notice_send(report_id=report.pk) == "sent"
    sent = mail.outbox[-1]
    everything = sent.subject + sent.body + sent.alternatives[0][0]
    assert sent.to == ["r@example.kz"]
    assert report.number not in everything
    for text in content_of(report):
        assert text not in everything
    assert f"/{lang}/hotline/follow-up/" in everything


def test_reporter_notice_without_an_address_sends_nothing():
    report = ReportFactory()
    assert notices.reporter_notice_send(report_id=report.pk) == "no_address"
    forged = ReportFactory(notice_email_sealed="not-a-token")
    assert notices.reporter_notice_send(report_id=forged.pk) == "no_address"
    assert mail.outbox == []
