import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from openpyxl import load_workbook

from appeals import enums, tasks
from appeals.deadlines import appeal_deadline_warnings_send
from appeals.models import ExportLog
from appeals.tests.factories import VALID_IIN, AppealFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)  # Tuesday


def staff(username, group, email):
    user = User.objects.create_user(username, email=email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_deadline_warnings_go_to_executor_and_head_once_a_day(django_capture_on_commit_callbacks):
    executor = staff("ex", "Executor", "ex@pkop.kz")
    staff("head", "Head", "head@pkop.kz")
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
    client.force_login(staff("head", "Head", "head@pkop.kz"))
    return client


def test_export_csv_of_filtered_changelist_is_logged(head_client):
    AppealFactory(kind=enums.Kind.COMPLAINT, subject="=HYPERLINK(evil)")
    AppealFactory(kind=enums.Kind.PROPOSAL)
    response = head_client.get("/en/admin/appeals/appeal/export/csv/?kind__exact=complaint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Registration number", "Status", "Kind of appeal"]
    assert len(rows) == 2
    assert rows[1][7] == VALID_IIN
    assert rows[1][13] == "'=HYPERLINK(evil)"
    log = ExportLog.objects.get()
    assert (log.file_format, log.row_count, log.filters) == ("csv", 1, "kind__exact=complaint")


def test_export_xlsx(head_client):
    AppealFactory.create_batch(3)
    response = head_client.get("/ru/admin/appeals/appeal/export/xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4
    assert sheet.cell(row=1, column=1).value == "Регистрационный номер"


def test_export_needs_permission(client):
    client.force_login(staff("ex", "Executor", "ex@pkop.kz"))
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
    assert '<td id="stat-total">3</td>' in html
    assert '<td id="stat-overdue">1</td>' in html
    assert '<td id="stat-on-time">50.0 %</td>' in html


def test_statistics_are_for_heads_and_analysts_only(client):
    client.force_login(staff("reg", "Registrar", "reg@pkop.kz"))
    assert client.get("/en/admin/appeals/appeal/statistics/").status_code == 403
    client.force_login(staff("an", "Analyst", "an@pkop.kz"))
    AppealFactory()
    html = client.get("/en/admin/appeals/appeal/statistics/").content.decode()
    assert '<td id="stat-total">1</td>' in html
