"""The staff pages of issue 12 pass axe-core for a Head in Kazakh and in Chinese at 1366 px: the
admin index (dashboard), the appeal queue, an appeal's page, the answer form, the statistics,
the booking list and a charity request's page show no critical or serious violation (and
none of them scrolls sideways).

Every page is checked (the findings of all pages are reported together), with data on it: tiles
with counts, rows in the lists, an appeal with a history, bars in the charts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, expect

from appeals import enums, workflow
from appeals.tests.factories import AppealFactory
from charity import enums as charity_enums
from charity.services.workflow import request_extend
from charity.tests.factories import CharityRequestFactory
from pkop_portal import workdays
from pkop_portal.models import StaffProfile
from reception.models import Booking
from reception.tests.factories import booking_make

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery-staple"
WIDE = {"width": 1366, "height": 768}


def head_with_work():
    """A Head (with a signer's position) and what fills each page: open appeals (one overdue,
    assigned to the Head, with a note; one unassigned), an answered one, visits and a request
    whose deadline the Head extended."""
    head = User.objects.create_user(
        "head", password=PASSWORD, is_staff=True, first_name="Айгерім", last_name="Сейтқали"
    )
    head.groups.add(Group.objects.get(name="Head"))
    StaffProfile.objects.create(user=head, position_kk="Басшы", position_zh_hans="主任")
    now = workdays.local_now()
    today = now.date()
    overdue = AppealFactory(
        status=enums.Status.REGISTERED,
        language="kk",
        subject="Көмір сатып алуға көмек",
        text="Көп балалы отбасына қысқа көмір алуға көмек сұраймыз.",
        registration_date=today - timedelta(days=30),
        due_date=today - timedelta(days=5),
    )
    AppealFactory(status=enums.Status.REGISTERED, due_date=today + timedelta(days=2))
    AppealFactory(
        status=enums.Status.ANSWERED,
        answered_at=now,
        answered_on_time=True,
        registration_date=today.replace(day=1),
    )
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    booking_make(start)
    booking_make(start + timedelta(days=1), full_name="Сейтқалиева Айгерім Нұрланқызы")
    booking_make(start - timedelta(days=2), Booking.Status.NO_SHOW)
    request = CharityRequestFactory(status=charity_enums.Status.UNDER_REVIEW)
    # A history on the appeal's and the request's pages, made as the services make it.
    workflow.appeal_assign(appeal_id=overdue.pk, by=head, executor=head)
    workflow.appeal_add_note(appeal_id=overdue.pk, by=head, note="Отбасына хабарласу керек.")
    request_extend(
        request_id=request.pk, by=head, new_due=today + timedelta(days=10), reason="Тексеру."
    )
    return head, overdue, request


def log_in(browser: Browser, live_server, language: str):
    page = browser.new_context(viewport=WIDE).new_page()
    page.goto(f"{live_server.url}/{language}/admin/login/")
    page.locator("#id_username").fill("head")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()
    return page


@pytest.mark.parametrize("language", ["kk", "zh-hans"])
def test_the_new_staff_pages_pass_axe_for_a_head(browser: Browser, live_server, findings, language):
    _head, appeal, request = head_with_work()
    page = log_in(browser, live_server, language)
    admin = f"{live_server.url}/{language}/admin"
    # (what, path, an element that shows the page is the one meant, with its data)
    pages = [
        ("dashboard", "/", ".portal-tiles a"),
        ("appeal queue", "/appeals/appeal/", "#result_list tbody tr"),
        ("appeal", f"/appeals/appeal/{appeal.pk}/change/", "#appeal-steps"),
        ("answer form", f"/appeals/appeal/{appeal.pk}/workflow/answer/", "#appeal-text"),
        ("statistics", "/appeals/appeal/statistics/", "svg.svgchart"),
        ("booking list", "/reception/booking/", "#result_list tbody tr"),
        ("charity request", f"/charity/charityrequest/{request.pk}/change/", "#content h1"),
    ]
    for what, path, shown in pages:
        response = page.goto(admin + path)
        assert response.status == 200, (what, response.status)
        expect(page.locator(shown).first).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == language, what
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            findings.add(f"{what}: scrolls sideways at 1366 px")
        findings.axe(page, what)
    page.context.close()
    findings.assert_none()


@pytest.mark.parametrize("language", ["kk", "zh-hans"])
def test_the_hotline_statistics_pass_axe_with_and_without_period_errors(
    browser: Browser, live_server, axe_check, language
):
    """The hotline statistics (the shared period form, pkop_portal.periods) for Compliance: the
    figures of this year, then an invalid custom period with its errors by the fields."""
    from hotline.tests.factories import ReportFactory

    officer = User.objects.create_user("head", password=PASSWORD, is_staff=True)
    officer.groups.add(Group.objects.get(name="Compliance head"))
    ReportFactory.create_batch(2)
    page = log_in(browser, live_server, language)
    statistics = f"{live_server.url}/{language}/admin/hotline/report/statistics/"

    page.goto(statistics)
    expect(page.locator("#stat-total")).to_have_text("2")
    axe_check(page, strict=True)

    page.goto(statistics + "?period=custom&start=2026-05-01&end=")
    expect(page.locator("#hotline-statistics-errors")).to_be_visible()
    expect(page.locator("#hotline-statistics-period .errorlist")).to_have_count(1)
    axe_check(page, strict=True)
    page.context.close()
