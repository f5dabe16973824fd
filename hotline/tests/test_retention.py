"""Retention: closed reports past HOTLINE_RETENTION_YEARS are anonymised unless under legal hold;
files leave the storage; what the statistics need remains."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from hotline import crypto, enums, stats, tasks
from hotline.models import ReportAttachment, ReportEvent, ReportMessage
from hotline.services import retention
from hotline.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2031, 6, 1, 3, 50, tzinfo=ALMATY)
S = enums.Status


def closed(closed_at, **kwargs):
    report = ReportFactory(
        status=S.CLOSED,
        conclusion=enums.Conclusion.SUBSTANTIATED,
        conclusion_reasons="Петров брал деньги",
        received_at=datetime(2026, 1, 10, 10, tzinfo=ALMATY),
        acknowledged_at=datetime(2026, 1, 12, 10, tzinfo=ALMATY),
        concluded_at=datetime(2026, 3, 1, 10, tzinfo=ALMATY),
        closed_at=closed_at,
        identity_sealed=crypto.seal_identity({"name": "Айгерим"}),
        notice_email_sealed=crypto.seal_text("r@example.kz"),
        severity="high",
        **kwargs,
    )
    message = ReportMessage.objects.create(report=report, by=None, text="Вот фото")
    attachment = ReportAttachment(
        report=report,
        message=message,
        stored_name="a.jpg",
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=3,
    )
    attachment.file.save("a.jpg", ContentFile(b"jpg"), save=True)
    ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.CONCLUDED, note="Петров")
    return report, attachment.file.name


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ReportAttachment._meta.get_field("file").storage


def test_anonymised_after_the_period_files_deleted_counts_remain(
    storage, clock, django_capture_on_commit_callbacks
):
    clock.set(NOW)
    report, name = closed(datetime(2026, 5, 31, 23, 0, tzinfo=ALMATY))  # 5 years and a bit
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.anonymise_expired() == 1
    report.refresh_from_db()
    assert report.anonymised_at == NOW
    assert report.identity_sealed == "" and report.notice_email_sealed == ""
    assert report.description == retention.MARKER and report.people_involved == retention.MARKER
    assert report.location == retention.MARKER and report.occurred == retention.MARKER
    assert report.conclusion_reasons == retention.MARKER
    assert not ReportMessage.objects.filter(report=report).exists()
    assert not ReportAttachment.objects.filter(report=report).exists()
    assert not storage.exists(name)
    assert "Петров" not in str(list(report.events.values_list("note", flat=True)))
    assert report.events.last().kind == ReportEvent.Kind.ANONYMISED
    # What the statistics need is kept.
    assert (report.status, report.category, report.conclusion, report.severity) == (
        S.CLOSED, enums.Category.CORRUPTION, "substantiated", "high")  # fmt: skip
    assert report.received_at and report.acknowledged_at and report.concluded_at
    summary = stats.public_summary(2026)
    assert summary.total == 1
    # Idempotent.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.anonymise_expired() == 0
    assert report.events.filter(kind=ReportEvent.Kind.ANONYMISED).count() == 1


def test_not_before_the_period_ends(storage, clock):
    clock.set(NOW)
    report, name = closed(datetime(2026, 6, 1, 4, 0, tzinfo=ALMATY))  # 5 years minus 10 min
    assert retention.reports_anonymise_expired() == 0
    report.refresh_from_db()
    assert report.anonymised_at is None and storage.exists(name)


def test_legal_hold_keeps_everything(storage, clock):
    clock.set(NOW)
    report, name = closed(datetime(2020, 1, 1, tzinfo=ALMATY), legal_hold=True)
    assert retention.reports_anonymise_expired() == 0
    report.refresh_from_db()
    assert report.anonymised_at is None and report.identity_sealed
    assert ReportMessage.objects.filter(report=report).exists() and storage.exists(name)


@pytest.mark.parametrize("status", [S.RECEIVED, S.UNDER_INVESTIGATION, S.CONCLUDED])
def test_reports_not_closed_are_kept(status, clock):
    clock.set(NOW)
    extra = {"conclusion": "substantiated"} if status == S.CONCLUDED else {}
    ReportFactory(status=status, received_at=datetime(2020, 1, 1, tzinfo=ALMATY), **extra)
    assert retention.reports_anonymise_expired() == 0


def test_the_period_is_configurable(storage, clock, settings):
    settings.HOTLINE_RETENTION_YEARS = 1
    clock.set(NOW)
    report, _name = closed(datetime(2030, 5, 31, tzinfo=ALMATY))
    assert retention.reports_anonymise_expired() == 1
