import csv
import io
from datetime import date

import pytest
from django.core import mail
from openpyxl import load_workbook

from appeals import enums, tasks
from appeals.deadlines import appeal_deadline_warnings_send
from appeals.models import ExportLog
from appeals.tests.factories import VALID_IIN, AppealFactory, staff_user

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)  # Tuesday


def test_deadline_warnings_go_to_executor_and_head_once_a_day(django_capture_on_commit_callbacks):
    executor = staff_user("ex", "Executor", "ex@pkop.kz")
    staff_user("head", "Head", "head@pkop.kz")
    AppealFactory(executor=executor, due_date=date(2026, 11, 30), status=enums.Status.IN_WORK)
    AppealFactory(executor=executor, due_date=date(2026, 12, 3), status=enums.Status.IN_WORK)
    AppealFactory(executor=executor, due_date=date(2026, 12, 25), status=enums.Status.IN_WORK)
    AppealFactory(executor=executor, due_date=date(2026, 11, 2), status=enums.Status.ANSWERED)
    with django_capture_on_commit_callbacks(execute=True):
        assert appeal_deadline_warnings_send(today=TODAY) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert appeal_deadline_warnings_send(today=TODAY) == 2  # same rows, nothing new sent
    assert sorted(m.to[0] for m in mail.outbox) == ["ex@pkop.kz", "head@pkop.kz"]
    body = next(m.body for m in mail.outbox if m.to == ["ex@pkop.kz"])
    assert "30.11.2026 (просрочено)" in body
    assert "03.12.2026" in body
    assert "25.12.2026" not in body


def test_deadline_task_with_nothing_due_sends_nothing():
    assert tasks.send_deadline_warnings.run() == 0
    assert mail.outbox == []


@pytest.fixture
def head_client(client):
    client.force_login(staff_user("head", "Head", "head@pkop.kz"))
    return client


def test_export_csv_of_filtered_changelist_is_logged(head_client):
    AppealFactory(kind=enums.Kind.COMPLAINT, subject="=HYPERLINK(evil)")
    AppealFactory(kind=enums.Kind.PROPOSAL)
    response = head_client.get("/en/admin/appeals/appeal/export/csv/?kind__exact=complaint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Registration number", "Status", "Kind of appeal"]
    assert len(rows) == 2
    assert rows[1][7] == VALID_IIN
    assert rows[1][13] == "'=HYPERLINK(evil)"
    log = ExportLog.objects.get()
    assert (log.file_format, log.row_count, log.filters) == ("csv", 1, "kind__exact=complaint")


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def xlsx_download(client, url, capture) -> bytes:
    """An XLSX export: a background job (run at once here), then its file from the job page."""
    with capture(execute=True):
        job_page = client.get(url)
    assert job_page.status_code == 302
    return streamed(client.get(job_page["Location"].replace("/change/", "/download/")))


def test_export_xlsx(head_client, django_capture_on_commit_callbacks):
    AppealFactory.create_batch(3)
    content = xlsx_download(
        head_client, "/ru/admin/appeals/appeal/export/xlsx/", django_capture_on_commit_callbacks
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 4
    assert sheet.cell(row=1, column=1).value == "Регистрационный номер"


def test_export_needs_permission(client):
    client.force_login(staff_user("ex", "Executor", "ex@pkop.kz"))
    assert client.get("/en/admin/appeals/appeal/export/csv/").status_code == 403
    assert ExportLog.objects.count() == 0


def test_statistics_page_counts_from_the_data(head_client):
    from django.utils import timezone

    today = timezone.localdate()
    AppealFactory(status=enums.Status.IN_WORK, due_date=date(2020, 1, 1))
    AppealFactory(
        status=enums.Status.ANSWERED,
        answered_on_time=True,
        registration_date=today,
        answered_at=timezone.now(),
    )
    AppealFactory(status=enums.Status.ANSWERED, answered_on_time=False)
    html = head_client.get("/en/admin/appeals/appeal/statistics/").content.decode()
    # This month's appeals (the default period); each figure links to its list.
    assert _figure(html, "stat-summary-total") == "3"
    assert _figure(html, "stat-summary-overdue") == "1"
    assert _figure(html, "stat-summary-on-time-share") == "50&nbsp;%"


def test_statistics_are_for_heads_and_analysts_only(client):
    client.force_login(staff_user("reg", "Registrar", "reg@pkop.kz"))
    assert client.get("/en/admin/appeals/appeal/statistics/").status_code == 403
    client.force_login(staff_user("an", "Analyst", "an@pkop.kz"))
    AppealFactory()
    html = client.get("/en/admin/appeals/appeal/statistics/").content.decode()
    assert _figure(html, "stat-summary-total") == "1"


def _figure(html: str, cell_id: str) -> str:
    """The text of the link in the statistics cell `cell_id`."""
    import re

    match = re.search(rf'id="{cell_id}"><a href="[^"]*">([^<]*)</a></td>', html)
    assert match, cell_id
    return match.group(1)


def test_daily_warning_lists_registered_appeals_near_their_redirect_deadline(
    django_capture_on_commit_callbacks,
):
    staff_user("head", "Head", "head@pkop.kz")
    later = date(2026, 12, 25)  # the answer itself is not due soon
    overdue = AppealFactory(
        subject="Тарифы ЖКХ", redirect_due_date=date(2026, 11, 30), due_date=later
    )
    soon = AppealFactory(
        subject="Вывоз мусора", redirect_due_date=date(2026, 12, 4), due_date=later
    )
    AppealFactory(subject="Ещё не срочно", redirect_due_date=date(2026, 12, 8), due_date=later)
    # Assigned or already redirected: the redirect deadline no longer applies.
    executor = staff_user("ex", "Executor", "ex@pkop.kz")
    AppealFactory(
        subject="В работе",
        executor=executor,
        status=enums.Status.IN_WORK,
        redirect_due_date=date(2026, 11, 30),
        due_date=later,
    )
    AppealFactory(
        subject="Перенаправлено",
        status=enums.Status.REDIRECTED,
        redirect_due_date=date(2026, 11, 30),
        due_date=later,
    )
    with django_capture_on_commit_callbacks(execute=True):
        # Only the Head's digest: the executor has nothing due within the horizon.
        assert appeal_deadline_warnings_send(today=TODAY, language="en") == 1
    (message,) = mail.outbox
    assert message.to == ["head@pkop.kz"]
    assert f"{overdue.number} — redirect by 30.11.2026 (overdue) — Тарифы ЖКХ" in message.body
    assert f"{soon.number} — redirect by 04.12.2026 — Вывоз мусора" in message.body
    for subject in ("Ещё не срочно", "В работе", "Перенаправлено"):
        assert subject not in message.body
    assert "Appeals due within 3 working days or overdue:" not in message.body
    assert "/admin/appeals/appeal/?redirect=urgent" in message.body
    html = message.alternatives[0][0]
    assert f"{overdue.number} — redirect by 30.11.2026 <strong>(overdue)</strong>" in html


def test_export_log_records_the_exported_appeals_with_constant_queries(head_client, query_count):
    first = AppealFactory(kind=enums.Kind.COMPLAINT)
    AppealFactory(kind=enums.Kind.PROPOSAL)
    url = "/en/admin/appeals/appeal/export/xlsx/?kind__exact=complaint"
    one, _response = query_count(lambda: head_client.get(url))
    log = ExportLog.objects.get()
    assert list(log.appeals.values_list("pk", flat=True)) == [first.pk]
    many_ids = {first.pk} | {a.pk for a in AppealFactory.create_batch(30, kind="complaint")}
    many, _response = query_count(lambda: head_client.get(url))
    latest = ExportLog.objects.order_by("-pk").first()
    assert set(latest.appeals.values_list("pk", flat=True)) == many_ids
    assert latest.row_count == 31
    assert many == one


def test_export_survives_control_characters_and_neutralises_formulas(
    head_client, django_capture_on_commit_callbacks
):
    AppealFactory(
        full_name="Айгерим\x01 Садыкова\x1f",
        subject='=HYPERLINK("http://evil")',
        address="@SUM(A1)",
        text="t",
        phone="+77011234567",
    )
    content = xlsx_download(
        head_client, "/en/admin/appeals/appeal/export/xlsx/", django_capture_on_commit_callbacks
    )
    sheet = load_workbook(io.BytesIO(content)).active
    row = [cell.value for cell in sheet[2]]
    assert row[6] == "Айгерим Садыкова"
    assert row[10] == "'@SUM(A1)"
    assert row[11] == "+77011234567"  # a plain number is no formula
    assert row[13] == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=14).data_type == "s"
    response = head_client.get("/en/admin/appeals/appeal/export/csv/")
    rows = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    assert (rows[1][6], rows[1][10]) == ("Айгерим Садыкова", "'@SUM(A1)")


def test_export_log_admin_shows_the_count_and_links_to_the_exported_appeals(head_client):
    exported = AppealFactory.create_batch(2, kind=enums.Kind.COMPLAINT)
    AppealFactory(kind=enums.Kind.PROPOSAL)
    head_client.get("/en/admin/appeals/appeal/export/csv/?kind__exact=complaint")
    log = ExportLog.objects.get()
    html = head_client.get("/en/admin/appeals/exportlog/").content.decode()
    link = f"/en/admin/appeals/appeal/?export={log.pk}"
    assert f'<a href="{link}" class="export-appeals">2</a>' in html
    listed = head_client.get(link).context["cl"].result_list
    assert sorted(a.pk for a in listed) == sorted(a.pk for a in exported)
    assert head_client.get("/en/admin/appeals/appeal/?export=x").context["cl"].result_count == 0
    page = head_client.get(f"/en/admin/appeals/exportlog/{log.pk}/change/").content.decode()
    assert f'<a href="{link}" class="export-appeals">2</a>' in page


def test_export_log_changelist_queries_do_not_grow_with_rows(head_client, query_count):
    AppealFactory.create_batch(3)
    head_client.get("/en/admin/appeals/appeal/export/csv/")

    def changelist():
        response = head_client.get("/en/admin/appeals/exportlog/")
        return response.context["cl"].result_count

    one, count = query_count(changelist)
    assert count == 1
    for _ in range(5):
        head_client.get("/en/admin/appeals/appeal/export/csv/")
    many, count = query_count(changelist)
    assert (count, many) == (6, one)
