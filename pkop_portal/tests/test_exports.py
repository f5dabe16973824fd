"""The shared export machinery (pkop_portal.exports): keyset pages, streamed CSV, background
XLSX jobs with progress, their access-checked and logged downloads, and their expiry."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from appeals.tests.factories import staff_user
from pkop_portal import exports
from pkop_portal.models import CalendarDay, ExportDownload, ExportJob

pytestmark = pytest.mark.django_db

# A kind over calendar overrides: rows do not depend on a log row; the Head's export
# permission guards it, as it does the appeals.
DAYS = exports.ExportKind(
    name="test-days",
    title="Days",
    permission="appeals.export_appeal",
    columns=lambda: [("Date", lambda d: d.date.isoformat()), ("Note", lambda d: d.note)],
    pages=lambda log_id: exports.keyset_pages(CalendarDay.objects.all()),
    sheet_title="days",
)


@pytest.fixture(autouse=True)
def _days_kind(monkeypatch):
    monkeypatch.setitem(exports._KINDS, DAYS.name, DAYS)


@pytest.fixture
def page_of_3(monkeypatch):
    monkeypatch.setattr(exports, "PAGE_SIZE", 3)


def make_days(count: int, *, note: str = "") -> list[CalendarDay]:
    CalendarDay.objects.all().delete()  # the seeded overrides
    return CalendarDay.objects.bulk_create(
        CalendarDay(date=date(2026, 1, 1) + timedelta(days=i), is_working=False, note=note)
        for i in range(count)
    )


def selects_of_days(queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and "calendarday" in q["sql"]
    ]


@pytest.mark.parametrize(("rows", "pages"), [(7, [3, 3, 1]), (6, [3, 3]), (0, [])])
def test_keyset_pages_read_every_row_once_by_key_never_by_offset(rows, pages, page_of_3):
    days = make_days(rows)
    with CaptureQueriesContext(connection) as queries:
        got = list(exports.keyset_pages(CalendarDay.objects.order_by("-date")))
    assert [len(page) for page in got] == pages
    assert [d.pk for page in got for d in page] == sorted(d.pk for d in days)
    selects = selects_of_days(queries)
    # One query a page, and one more only to see that a full last page was the last.
    assert len(selects) == len(pages) + (1 if rows and rows % 3 == 0 else 0) + (rows == 0)
    assert all("LIMIT 3" in sql and "OFFSET" not in sql for sql in selects)
    assert all('"id" >' in sql for sql in selects[1:])


def test_keyset_pages_hold_one_page_at_a_time(page_of_3):
    make_days(9)
    pages = exports.keyset_pages(CalendarDay.objects.all())
    with CaptureQueriesContext(connection) as queries:
        first = next(pages)
    assert (len(first), len(selects_of_days(queries))) == (3, 1)
    with CaptureQueriesContext(connection) as queries:
        second = next(pages)
    assert (len(second), len(selects_of_days(queries))) == (3, 1)
    assert second[0].pk > first[-1].pk


def _csv(response) -> tuple[list[bytes], list[list[str]]]:
    chunks = list(response.streaming_content)
    body = b"".join(chunks).decode("utf-8")
    assert body.startswith(exports.BOM)
    return chunks, list(csv.reader(io.StringIO(body[1:])))


def test_csv_response_streams_header_and_safe_rows_page_by_page(page_of_3):
    make_days(4, note="=HYPERLINK(evil)")
    CalendarDay.objects.filter(date=date(2026, 1, 2)).update(note="@SUM(A1)\x01")
    response = exports.csv_response(
        columns=DAYS.columns(),
        pages=exports.keyset_pages(CalendarDay.objects.all()),
        filename="days.csv",
    )
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="days.csv"'
    chunks, rows = _csv(response)
    assert len(chunks) == 3  # header, then one chunk per page (3 + 1 rows)
    assert rows == [
        ["Date", "Note"],
        ["2026-01-01", "'=HYPERLINK(evil)"],
        ["2026-01-02", "'@SUM(A1)"],
        ["2026-01-03", "'=HYPERLINK(evil)"],
        ["2026-01-04", "'=HYPERLINK(evil)"],
    ]


@pytest.mark.parametrize("rows", [3, 30])
def test_csv_costs_one_query_per_page(rows, page_of_3, query_count):
    make_days(rows)

    def stream():
        return _csv(
            exports.csv_response(
                columns=DAYS.columns(),
                pages=exports.keyset_pages(CalendarDay.objects.all()),
                filename="d.csv",
            )
        )

    count, (_chunks, got) = query_count(stream)
    assert len(got) == rows + 1
    assert count == rows // 3 + 1  # full pages, then the empty page that ends them


# --- Background jobs ------------------------------------------------------------------------


@pytest.fixture
def head():
    return staff_user("head", "Head", "head@pkop.kz")


def start_job(user, django_capture_on_commit_callbacks, *, execute=True) -> ExportJob:
    with django_capture_on_commit_callbacks(execute=execute):
        job = exports.export_job_start(kind=DAYS, log_id=0, rows_total=7, by=user, filters="q=1")
    job.refresh_from_db()
    return job


def test_job_builds_a_workbook_of_every_row_with_progress_per_page(
    head, page_of_3, django_capture_on_commit_callbacks
):
    make_days(7, note="+cmd")
    with CaptureQueriesContext(connection) as queries:
        job = start_job(head, django_capture_on_commit_callbacks)
    assert job.status == ExportJob.Status.DONE
    assert (job.rows_done, job.rows_total, job.percent) == (7, 7, 100)
    progress = [
        q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "rows_done" in q["sql"]
    ]
    assert len(progress) == 1 + 3 + 1  # claimed, after each of 3 pages, done
    assert job.expires_at == job.finished_at + timedelta(hours=24)
    assert job.file.name.startswith("private/exports/")
    sheet = load_workbook(job.file.open("rb")).active
    assert sheet.title == "days"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Date", "Note"],
        *[[f"2026-01-0{i}", "'+cmd"] for i in range(1, 8)],
    ]


def test_job_run_twice_builds_once(head, django_capture_on_commit_callbacks):
    make_days(2)
    job = start_job(head, django_capture_on_commit_callbacks)
    assert exports.export_build.run(job_id=job.pk) == ExportJob.Status.DONE
    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file.name, again.finished_at) == (job.file.name, job.finished_at)


def test_job_of_a_failing_kind_is_marked_failed(
    head, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(log_id):
        raise RuntimeError("IIN 900101300123 in a message")

    monkeypatch.setitem(
        exports._KINDS, "test-days", DAYS.__class__(**{**DAYS.__dict__, "pages": broken})
    )
    job = start_job(head, django_capture_on_commit_callbacks)
    assert (job.status, job.error, job.file.name) == (ExportJob.Status.FAILED, "RuntimeError", "")


def test_job_not_queued_when_the_broker_is_down(
    head, monkeypatch, django_capture_on_commit_callbacks
):
    def down(**kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(exports.export_build, "delay", down)
    job = start_job(head, django_capture_on_commit_callbacks)
    assert (job.status, job.error) == (ExportJob.Status.FAILED, "not queued")


def job_url(job, suffix="change/"):
    return f"/en/admin/pkop_portal/exportjob/{job.pk}/{suffix}"


def test_job_page_refreshes_while_pending_then_links_the_download(
    client, head, django_capture_on_commit_callbacks
):
    make_days(2)
    job = start_job(head, django_capture_on_commit_callbacks, execute=False)
    client.force_login(head)
    html = client.get(job_url(job)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert 'data-status="queued"' in html
    assert "export-download" not in html
    exports.export_build.run(job_id=job.pk)
    html = client.get(job_url(job)).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert f'href="{job_url(job, "download/")}"' in html


def test_download_is_the_file_for_its_requester_and_logged(
    client, head, django_capture_on_commit_callbacks
):
    make_days(3)
    job = start_job(head, django_capture_on_commit_callbacks)
    client.force_login(head)
    response = client.get(job_url(job, "download/"))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="test-days-')
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 4
    download = ExportDownload.objects.get()
    assert (download.job, download.by) == (job, head)
    assert "head" in client.get(job_url(job)).content.decode().split('id="export-downloads"')[1]


@pytest.mark.parametrize("who", ["other head", "requester without the permission", "executor"])
def test_nobody_else_sees_or_downloads_a_job(who, client, head, django_capture_on_commit_callbacks):
    make_days(1)
    job = start_job(head, django_capture_on_commit_callbacks)
    if who == "other head":
        user = staff_user("head2", "Head")
    elif who == "executor":
        user = staff_user("ex", "Executor")
    else:
        head.groups.set([])
        user = head.__class__.objects.get(pk=head.pk)
    client.force_login(user)
    assert client.get(job_url(job, "download/")).status_code in (403, 404)
    assert client.get(job_url(job)).status_code in (403, 404)
    assert ExportDownload.objects.count() == 0


def test_expired_job_says_so_and_its_file_is_deleted_by_beat(
    client, head, clock, django_capture_on_commit_callbacks
):
    make_days(1)
    job = start_job(head, django_capture_on_commit_callbacks)
    name = job.file.name
    assert default_storage.exists(name)
    client.force_login(head)
    clock.set(job.expires_at + timedelta(seconds=1))
    response = client.get(job_url(job, "download/"))
    assert response.status_code == 410
    assert "This export has expired" in response.content.decode()
    assert exports.expire_exports.run() == 1
    assert exports.expire_exports.run() == 0  # idempotent
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ExportJob.Status.EXPIRED, "")
    assert not default_storage.exists(name)
    assert client.get(job_url(job, "download/")).status_code == 410
    assert ExportDownload.objects.count() == 0


def test_cleanup_keeps_files_not_yet_expired_and_fails_jobs_that_never_finished(
    head, clock, django_capture_on_commit_callbacks
):
    make_days(1)
    kept = start_job(head, django_capture_on_commit_callbacks)
    stuck = start_job(head, django_capture_on_commit_callbacks, execute=False)
    clock.set(timezone.now() + timedelta(hours=23))
    assert exports.export_jobs_expire() == 0
    clock.set(timezone.now() + timedelta(hours=2))
    assert exports.export_jobs_expire() == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == (ExportJob.Status.FAILED, "did not finish")
    assert ExportJob.objects.get(pk=kept.pk).status == ExportJob.Status.EXPIRED


def test_job_list_shows_only_own_jobs_in_constant_queries(
    client, head, query_count, django_capture_on_commit_callbacks
):
    other = staff_user("head2", "Head")
    start_job(other, django_capture_on_commit_callbacks, execute=False)
    client.force_login(head)

    def listed():
        response = client.get("/en/admin/pkop_portal/exportjob/")
        return sorted(j.requester_id for j in response.context["cl"].result_list)

    start_job(head, django_capture_on_commit_callbacks, execute=False)
    one, jobs = query_count(listed)
    assert jobs == [head.pk]
    for _ in range(11):
        start_job(head, django_capture_on_commit_callbacks, execute=False)
    many, jobs = query_count(listed)
    assert (jobs, many) == ([head.pk] * 12, one)


def test_job_list_is_not_offered_without_an_export_permission(client):
    client.force_login(staff_user("ex", "Executor"))
    assert client.get("/en/admin/pkop_portal/exportjob/").status_code == 403
