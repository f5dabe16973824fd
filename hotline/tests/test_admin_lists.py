"""The hotline lists' search by report number (full or partial) on an index: the reports and the
access log (a Compliance head)."""

import pytest
from django.contrib.auth.models import Group

from appeals.tests.factories import staff_user
from hotline import access, enums
from hotline.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(client):
    user = staff_user("chief", "Compliance officer")
    user.groups.add(Group.objects.get(name="Compliance head"))
    client.force_login(user)
    return user


def test_the_access_log_is_searched_by_report_number_full_or_partial(client, head):
    report = ReportFactory(year=2026, sequence=77, number="H-2026-000077")
    other = ReportFactory(year=2026, sequence=770, number="H-2026-000770")
    access.log_access(user=head, action=enums.AccessAction.OPEN, report=report)
    access.log_access(user=head, action=enums.AccessAction.OPEN, report=other)
    for term in ("H-2026-000077", "2026-77", "77"):
        response = client.get("/en/admin/hotline/accesslog/", {"q": term})
        assert response.status_code == 200
        numbers = [row.report_number for row in response.context["cl"].result_list]
        assert numbers == ["H-2026-000077"], term


def test_a_report_is_found_by_a_partial_number_only(client, head):
    report = ReportFactory(year=2026, sequence=5, number="H-2026-000005")
    ReportFactory(year=2026, sequence=50, number="H-2026-000050")
    response = client.get("/en/admin/hotline/report/", {"q": "2026-5"})
    assert [r.pk for r in response.context["cl"].result_list] == [report.pk]
