"""Every access of Compliance is logged; the log is append-only and only heads read it."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.utils import DatabaseError

from appeals.tests.factories import staff_user
from hotline import access
from hotline.models import AccessLog, ReportAttachment
from hotline.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = staff_user("officer", "Compliance officer")
    client.force_login(user)
    return user


def test_list_open_search_export_and_download_are_logged_with_user_and_report(client, officer):
    report = ReportFactory()
    attachment = ReportAttachment(
        report=report,
        stored_name="a.pdf",
        original_name="a.pdf",
        content_type="application/pdf",
        size=8,
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    base = "/ru/admin/hotline/report/"
    client.get(base)
    client.get(f"{base}{report.pk}/change/")
    client.get(f"{base}?q={report.number.lower()}")
    client.get(f"{base}export/?status=received")
    response = client.get(f"{base}{report.pk}/attachment/{attachment.pk}/")
    b"".join(response.streaming_content)
    rows = list(AccessLog.objects.order_by("id").values_list("user", "action", "report"))
    assert rows == [
        (officer.pk, "list", None),
        (officer.pk, "open", report.pk),
        (officer.pk, "search", None),
        (officer.pk, "export", None),
        (officer.pk, "download", report.pk),
    ]
    search = AccessLog.objects.get(action="search")
    assert search.detail == report.number.lower()
    assert AccessLog.objects.get(action="export").detail.startswith("1: status=received")
    assert AccessLog.objects.get(action="open").report_number == report.number


def test_the_search_finds_by_number_only(client, officer):
    report = ReportFactory(description="взятка подрядчик")
    other = ReportFactory()
    found = client.get(f"/ru/admin/hotline/report/?q={report.number[-6:]}")
    assert [r.pk for r in found.context["cl"].result_list] == [report.pk]
    by_text = client.get("/ru/admin/hotline/report/?q=взятка")
    assert list(by_text.context["cl"].result_list) == []
    assert other.pk


def test_officers_cannot_change_or_delete_log_rows_in_the_admin(client, officer):
    row = access.log_access(user=officer, action="list")
    for url in (
        "/ru/admin/hotline/accesslog/",
        f"/ru/admin/hotline/accesslog/{row.pk}/change/",
        f"/ru/admin/hotline/accesslog/{row.pk}/delete/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"post": "yes"}).status_code == 404
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_heads_read_the_log_but_cannot_change_or_delete_it(client):
    head = staff_user("head", "Compliance head")
    client.force_login(head)
    report = ReportFactory()
    row = access.log_access(user=head, action="open", report=report)
    page = client.get("/ru/admin/hotline/accesslog/")
    assert [r.pk for r in page.context["cl"].result_list] == [row.pk]
    opened = client.get(f"/ru/admin/hotline/accesslog/{row.pk}/change/")
    assert opened.status_code == 200
    assert 'name="_save"' not in opened.content.decode()
    assert (
        client.post(f"/ru/admin/hotline/accesslog/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/ru/admin/hotline/accesslog/add/").status_code == 403
    assert AccessLog.objects.get(pk=row.pk).action == "open"


def test_a_superuser_in_no_group_cannot_read_the_log(client):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.kz", "x")
    client.force_login(root)
    assert client.get("/ru/admin/hotline/accesslog/").status_code == 404


@pytest.mark.postgres
def test_the_database_refuses_update_and_delete_of_log_rows():
    user = staff_user("officer", "Compliance officer")
    row = access.log_access(user=user, action="list")
    for sql in (
        "UPDATE hotline_accesslog SET action = 'open' WHERE id = %s",
        "DELETE FROM hotline_accesslog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AccessLog.objects.get(pk=row.pk).action == "list"
