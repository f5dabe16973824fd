"""The Compliance staff UI: the report's page, the steps, the export and the list's queries."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from appeals.tests.factories import staff_user
from hotline import enums
from hotline.crypto import seal_identity
from hotline.models import Report, ReportEvent
from hotline.tests.factories import ReportFactory, ReportMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = staff_user("officer", "Compliance officer")
    client.force_login(user)
    return user


def test_the_report_page_shows_the_decrypted_identity_messages_and_history(client, officer):
    report = ReportFactory(identity_sealed=seal_identity({"name": "Айгуль Сапарова"}))
    ReportMessageFactory(report=report, text="Документы есть.")
    ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.RECEIVED)
    page = client.get(f"/ru/admin/hotline/report/{report.pk}/change/").content.decode()
    assert "Айгуль Сапарова" in page
    assert "Документы есть." in page
    assert 'id="hotline-history"' in page
    assert "hotline-step-acknowledge" in page
    assert "hotline-step-assign" not in page  # heads only


def test_an_anonymous_report_shows_no_identity(client, officer):
    report = ReportFactory()
    page = client.get(f"/ru/admin/hotline/report/{report.pk}/change/")
    assert page.status_code == 200
    assert report.identity_sealed == ""


def test_the_acknowledge_step_calls_the_service_and_writes_no_admin_log(client, officer):
    report = ReportFactory()
    url = f"/ru/admin/hotline/report/{report.pk}/step/acknowledge/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == enums.Status.ACKNOWLEDGED
    assert report.feedback_due is not None
    assert not LogEntry.objects.exists()


def test_a_head_only_step_is_refused_to_an_officer(client, officer):
    report = ReportFactory()
    url = f"/ru/admin/hotline/report/{report.pk}/step/assign/"
    assert client.post(url, {"investigator": officer.pk}).status_code == 403
    report.refresh_from_db()
    assert report.investigator is None


def test_overdue_deadlines_are_visible_and_filterable(client, officer):
    today = timezone.localdate()
    late = ReportFactory(acknowledge_due=today - timedelta(days=1))
    ReportFactory(acknowledge_due=today + timedelta(days=3))
    page = client.get("/ru/admin/hotline/report/")
    assert page.content.decode().count('class="hotline-overdue"') == 1
    overdue = client.get("/ru/admin/hotline/report/?overdue=yes")
    assert [r.pk for r in overdue.context["cl"].result_list] == [late.pk]


def test_the_export_has_no_identity_and_no_report_text(client, officer):
    ReportFactory(identity_sealed=seal_identity({"name": "Айгуль Сапарова"}))
    ReportFactory(category=enums.Category.FRAUD)
    body = client.get("/ru/admin/hotline/report/export/?category=fraud").content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 2  # the header and the one fraud report
    assert "Сапарова" not in body
    assert Report.objects.first().description not in body


def test_the_list_costs_the_same_queries_for_1_and_10_rows(client, officer):
    investigator = staff_user("inv", "Compliance officer")

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/ru/admin/hotline/report/").status_code == 200
        return len(ctx)

    ReportFactory(investigator=investigator)
    one = count()
    ReportFactory.create_batch(9, investigator=investigator)
    assert count() == one
