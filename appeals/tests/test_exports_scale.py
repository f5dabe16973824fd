"""Appeal exports at any size: CSV streamed in keyset pages, XLSX built by a background job,
both logged by one INSERT … SELECT linking every exported appeal."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from appeals import enums
from appeals.models import ExportLog
from appeals.tests.factories import AppealFactory, staff_user
from pkop_portal import exports
from pkop_portal.models import ExportDownload, ExportJob

pytestmark = pytest.mark.django_db
CSV_URL = "/en/admin/appeals/appeal/export/csv/"
XLSX_URL = "/ru/admin/appeals/appeal/export/xlsx/"
LINK_TABLE = ExportLog.appeals.through._meta.db_table


@pytest.fixture
def head_client(client):
    client.force_login(staff_user("head", "Head", "head@pkop.kz"))
    return client


@pytest.fixture
def page_of_3(monkeypatch):
    monkeypatch.setattr(exports, "PAGE_SIZE", 3)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def appeal_selects(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "appeals_appeal"' in q["sql"]
    ]


def test_csv_streams_every_filtered_appeal_in_pages_and_logs_them(head_client, page_of_3):
    complaints = AppealFactory.create_batch(7, kind=enums.Kind.COMPLAINT, subject="=1+1")
    AppealFactory.create_batch(2, kind=enums.Kind.PROPOSAL)
    with CaptureQueriesContext(connection) as queries:
        response = head_client.get(f"{CSV_URL}?kind__exact=complaint")
        assert response.streaming
        rows = csv_rows(response)
    assert response["Content-Disposition"].startswith('attachment; filename="appeals-')
    assert rows[0][:3] == ["Registration number", "Status", "Kind of appeal"]
    assert [r[0] for r in rows[1:]] == [a.number for a in sorted(complaints, key=lambda a: a.pk)]
    assert {r[13] for r in rows[1:]} == {"'=1+1"}
    log = ExportLog.objects.get()
    assert (log.file_format, log.row_count, log.filters) == ("csv", 7, "kind__exact=complaint")
    assert set(log.appeals.values_list("pk", flat=True)) == {a.pk for a in complaints}
    pages = [sql for sql in appeal_selects(queries) if "LIMIT" in sql]
    assert len(pages) == 3  # 3 + 3 + 1 rows
    assert all("LIMIT 3" in sql and "OFFSET" not in sql for sql in pages)
    # Each page's ids come from the log's link rows by key (an index range scan).
    assert all('"appeal_id" >' in sql for sql in pages[1:])
    # The long texts, never exported, are never read.
    assert all('"appeals_appeal"."text"' not in sql for sql in pages)


def test_export_log_links_every_appeal_with_one_insert_select(head_client):
    appeals = AppealFactory.create_batch(5)
    with CaptureQueriesContext(connection) as queries:
        csv_rows(head_client.get(CSV_URL))
    inserts = [q["sql"] for q in queries if q["sql"].startswith(f'INSERT INTO "{LINK_TABLE}"')]
    assert len(inserts) == 1
    assert " SELECT " in inserts[0]
    log = ExportLog.objects.get()
    assert set(log.appeals.values_list("pk", flat=True)) == {a.pk for a in appeals}


def test_csv_costs_one_more_query_per_page_and_nothing_per_row(head_client, page_of_3, query_count):
    AppealFactory.create_batch(3)
    one, rows = query_count(lambda: csv_rows(head_client.get(CSV_URL)))
    assert len(rows) == 4
    AppealFactory.create_batch(27)
    many, rows = query_count(lambda: csv_rows(head_client.get(CSV_URL)))
    assert len(rows) == 31
    assert many - one == (30 // 3 + 1) - (3 // 3 + 1)  # 9 more pages, nothing else


def test_xlsx_goes_to_a_job_that_builds_every_row(
    head_client, page_of_3, django_capture_on_commit_callbacks
):
    appeals = AppealFactory.create_batch(7, address="@SUM(A1)")
    with django_capture_on_commit_callbacks(execute=True):
        response = head_client.get(XLSX_URL)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ru/admin/pkop_portal/exportjob/{job.pk}/change/"
    assert (job.kind, job.language, job.status) == ("appeals", "ru", ExportJob.Status.DONE)
    assert (job.rows_done, job.rows_total) == (7, 7)
    log = ExportLog.objects.get(pk=job.log_id)
    assert (log.file_format, log.row_count) == ("xlsx", 7)
    assert set(log.appeals.values_list("pk", flat=True)) == {a.pk for a in appeals}
    page = head_client.get(response["Location"]).content.decode()
    assert f'href="/ru/admin/pkop_portal/exportjob/{job.pk}/download/"' in page
    download = head_client.get(f"/ru/admin/pkop_portal/exportjob/{job.pk}/download/")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Регистрационный номер"
    assert [r[0] for r in rows[1:]] == [a.number for a in sorted(appeals, key=lambda a: a.pk)]
    assert {r[10] for r in rows[1:]} == {"'@SUM(A1)"}
    assert ExportDownload.objects.filter(job=job).count() == 1


def test_xlsx_job_of_another_head_is_not_downloadable(
    head_client, client, django_capture_on_commit_callbacks
):
    AppealFactory()
    with django_capture_on_commit_callbacks(execute=True):
        head_client.get(XLSX_URL)
    job = ExportJob.objects.get()
    client.force_login(staff_user("head2", "Head"))
    assert client.get(f"/en/admin/pkop_portal/exportjob/{job.pk}/download/").status_code == 404
    assert ExportDownload.objects.count() == 0


def test_export_needs_the_permission_for_either_format(client):
    client.force_login(staff_user("ex", "Executor"))
    assert client.get(CSV_URL).status_code == 403
    assert client.get(XLSX_URL).status_code == 403
    assert client.get("/en/admin/appeals/appeal/export/pdf/").status_code == 403
    assert (ExportLog.objects.count(), ExportJob.objects.count()) == (0, 0)
