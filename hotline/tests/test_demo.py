"""Demo data: reports in several states, seen only by the demo Compliance users."""

import pytest
from django.contrib.auth import get_user_model

from hotline import access, demo, enums
from hotline.models import Report

pytestmark = pytest.mark.django_db


def test_demo_reports_in_several_states_visible_to_compliance_only():
    result = demo.hotline_demo_load()
    assert result.reports == len(demo.SAMPLES)
    assert {login.username for login in result.logins} == {demo.OFFICER, demo.HEAD}
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == set(enums.Status)
    users = get_user_model().objects
    officer, head = users.get(username=demo.OFFICER), users.get(username=demo.HEAD)
    assert officer.check_password(
        next(x.password for x in result.logins if x.username == demo.OFFICER)
    )
    assert not officer.is_superuser and officer.is_staff
    assert access.is_compliance(officer) and not access.is_compliance_head(officer)
    assert access.is_compliance_head(head)
    assert access.reports_for(officer).count() == len(demo.SAMPLES)
    root = users.create_superuser(username="root", email="root@example.kz", password="x")
    assert access.reports_for(root).count() == 0
    # Every report has its history, and a concluded one its conclusion.
    for report in Report.objects.all():
        assert report.events.filter(kind="received").exists()
        assert bool(report.conclusion) == (report.status in {"concluded", "closed"})


def test_demo_load_is_idempotent():
    demo.hotline_demo_load()
    again = demo.hotline_demo_load()
    assert again.reports == 0 and again.logins == []
    assert Report.objects.count() == len(demo.SAMPLES)
