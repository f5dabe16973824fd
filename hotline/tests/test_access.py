"""The access matrix, view by view: only Compliance sees the hotline; everyone else, superusers
outside Compliance included, gets a 404 everywhere, as if it did not exist."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from appeals.tests.factories import staff_user
from hotline import access
from hotline.models import AccessLog, Report, ReportAttachment
from hotline.tests.factories import ReportFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

OUTSIDE_GROUPS = [
    "Registrar",
    "Executor",
    "Head",
    "Reception secretary",
    "Charity committee",
    "Charity officer",
    "Analyst",
]
OFFICER, HEAD = "Compliance officer", "Compliance head"


def make_user(who: str):
    if who == "superuser":
        return get_user_model().objects.create_superuser("root", "root@example.kz", "x")
    if who == "superuser in Compliance":
        user = get_user_model().objects.create_superuser("croot", "croot@example.kz", "x")
        user.groups.add(Group.objects.get(name=OFFICER))
        return get_user_model().objects.get(pk=user.pk)
    return staff_user(who.lower().replace(" ", "_"), who)


@pytest.fixture
def world():
    report = ReportFactory()
    attachment = ReportAttachment(
        report=report,
        stored_name="a.pdf",
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=8,
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    notice = Notification.objects.create(
        channel="email",
        recipient_email="compliance@example.kz",
        event="hotline.new_report",
        language="ru",
        context={"number": report.number},
        dedupe_key=f"hotline.new_report:{report.pk}",
    )
    other = Notification.objects.create(
        channel="email",
        recipient_email="citizen@example.kz",
        event="appeal.registered",
        language="ru",
        context={},
        dedupe_key="appeal.registered:1",
    )
    return {"report": report, "attachment": attachment, "notice": notice, "other": other}


def hotline_urls(world) -> dict[str, str]:
    r = world["report"]
    return {
        "app index": "/ru/admin/hotline/",
        "changelist": "/ru/admin/hotline/report/",
        "search": f"/ru/admin/hotline/report/?q={r.number}",
        "change": f"/ru/admin/hotline/report/{r.pk}/change/",
        "bare id": f"/ru/admin/hotline/report/{r.pk}/",
        "history": f"/ru/admin/hotline/report/{r.pk}/history/",
        "delete": f"/ru/admin/hotline/report/{r.pk}/delete/",
        "add": "/ru/admin/hotline/report/add/",
        "export": "/ru/admin/hotline/report/export/",
        "statistics": "/ru/admin/hotline/report/statistics/",
        "download": f"/ru/admin/hotline/report/{r.pk}/attachment/{world['attachment'].pk}/",
        "step": f"/ru/admin/hotline/report/{r.pk}/step/acknowledge/",
        "access log": "/ru/admin/hotline/accesslog/",
        "autocomplete": (
            "/ru/admin/autocomplete/?app_label=hotline&model_name=report&field_name=investigator"
        ),
    }


@pytest.mark.parametrize("who", [*OUTSIDE_GROUPS, "superuser"])
def test_outside_compliance_everything_is_a_404_and_nothing_shows(client, world, who):
    user = make_user(who)
    client.force_login(user)
    assert not access.is_compliance(user)
    assert not access.reports_for(user).exists()

    index = client.get("/ru/admin/")
    assert index.status_code == 200
    labels = {app["app_label"] for app in index.context["app_list"]}
    assert "hotline" not in labels
    page = index.content.decode()
    assert "/admin/hotline/" not in page
    assert world["report"].number not in page

    for name, url in hotline_urls(world).items():
        response = client.get(url)
        assert response.status_code == 404, (who, name, response.status_code)
        if world["report"].number not in url:  # the 404 page's language links echo the URL
            assert world["report"].number not in response.content.decode()
    step = client.post(hotline_urls(world)["step"])
    assert step.status_code == 404
    assert Report.objects.get().status == "received"

    outbox = client.get("/ru/admin/notifications/notification/")
    if outbox.status_code == 200:
        shown = {row.pk for row in outbox.context["cl"].result_list}
        assert world["notice"].pk not in shown
        assert "hotline.new_report" not in outbox.content.decode()
        opened = client.get(f"/ru/admin/notifications/notification/{world['notice'].pk}/change/")
        assert opened.status_code in (302, 403, 404)
        assert world["report"].number not in opened.content.decode()
    if user.is_superuser:
        assert world["other"].pk in {row.pk for row in outbox.context["cl"].result_list}

    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("who", [OFFICER, HEAD, "superuser in Compliance"])
def test_compliance_sees_the_hotline_view_by_view(client, world, who):
    user = make_user(who)
    client.force_login(user)
    urls = hotline_urls(world)
    report = world["report"]

    index = client.get("/ru/admin/")
    assert "hotline" in {app["app_label"] for app in index.context["app_list"]}
    assert client.get(urls["app index"]).status_code == 200

    changelist = client.get(urls["changelist"])
    assert changelist.status_code == 200
    assert [r.pk for r in changelist.context["cl"].result_list] == [report.pk]
    change = client.get(urls["change"])
    assert change.status_code == 200
    assert report.description in change.content.decode()
    assert client.get(urls["history"]).status_code == 302
    assert client.get(urls["delete"]).status_code == 403
    assert client.get(urls["add"]).status_code == 403
    export = client.get(urls["export"])
    assert export.status_code == 200
    assert report.number in export.content.decode("utf-8-sig")
    download = client.get(urls["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    assert client.get(urls["autocomplete"]).status_code in (200, 403)

    log = client.get(urls["access log"])
    head = who == HEAD
    assert log.status_code == (200 if head else 404)
    assert access.is_compliance_head(user) is head

    # A hotline notice is shown to a Compliance member only when addressed to them.
    if user.email:
        Notification.objects.filter(pk=world["notice"].pk).update(recipient_email=user.email)
    outbox = client.get("/ru/admin/notifications/notification/")
    if outbox.status_code == 200:
        assert world["notice"].pk in {row.pk for row in outbox.context["cl"].result_list}
        opened = client.get(f"/ru/admin/notifications/notification/{world['notice'].pk}/change/")
        assert opened.status_code == 200
        assert user.email not in opened.content.decode()

    # Nothing of the hotline in Django's admin log, for anyone.
    assert not LogEntry.objects.filter(content_type__app_label="hotline").exists()


def test_an_excluded_officer_gets_a_404_and_does_not_see_the_report(client, world):
    officer = make_user(OFFICER)
    report = world["report"]
    kept = ReportFactory()
    report.excluded_officers.add(officer)
    client.force_login(officer)
    urls = hotline_urls(world)
    listed = client.get(urls["changelist"])
    assert [r.pk for r in listed.context["cl"].result_list] == [kept.pk]
    for name in ("change", "history", "download", "step"):
        assert client.get(urls[name]).status_code == 404, name
    export = client.get(urls["export"]).content.decode("utf-8-sig")
    assert kept.number in export and report.number not in export
    assert not access.may_open(officer, report)
    assert access.may_open(officer, kept)


def test_an_inactive_or_non_staff_compliance_member_gets_nothing():
    user = make_user(OFFICER)
    assert access.is_compliance(user)
    user.is_staff = False
    user.save()
    fresh = get_user_model().objects.get(pk=user.pk)
    assert not access.is_compliance(fresh)
    assert not access.reports_for(fresh).exists()
    user.is_staff, user.is_active = True, False
    user.save()
    assert not access.is_compliance(get_user_model().objects.get(pk=user.pk))


def test_a_superuser_perm_alone_is_not_enough():
    root = make_user("superuser")
    assert root.has_perm("hotline.handle_report")
    assert not access.is_compliance(root)
    assert not access.is_compliance_head(root)


def test_anonymous_users_are_sent_to_the_login_page_as_for_any_admin_url(client, world):
    response = client.get(hotline_urls(world)["changelist"])
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
