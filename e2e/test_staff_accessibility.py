"""The staff pages of issue 12 pass axe-core for a Head in Kazakh and in Chinese at 1366 px: the
admin index (dashboard), the appeal queue, an appeal's page, the answer form, the statistics,
the booking list and a charity request's page show no critical or serious violation.

Every page is checked (the findings of all pages are reported together), with data on it: tiles
with counts, rows in the lists, an appeal with a history, bars in the charts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, expect

from appeals import enums
from appeals.tests.factories import AppealFactory
from charity import enums as charity_enums
from charity.tests.factories import CharityRequestFactory
from pkop_portal import workdays
from pkop_portal.models import StaffProfile
from reception.models import Booking
from reception.tests.factories import booking_make

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery-staple"
WIDE = {"width": 1366, "height": 768}


def head_with_work():
    """A Head (with a signer's position) and what fills each page: open appeals (one overdue and
    assigned to the Head, one unassigned), an answered one, today's visits and a request."""
    head = User.objects.create_user(
        "head", password=PASSWORD, is_staff=True, first_name="Айгерім", last_name="Сейтқали"
    )
    head.groups.add(Group.objects.get(name="Head"))
    StaffProfile.objects.create(user=head, position_kk="Басшы", position_zh_hans="主任")
    now = workdays.local_now()
    today = now.date()
    overdue = AppealFactory(
        executor=head,
        status=enums.Status.IN_WORK,
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
def test_the_new_staff_pages_pass_axe_for_a_head(
    browser: Browser, live_server, axe_check, language
):
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
    failures = []
    for what, path, shown in pages:
        response = page.goto(admin + path)
        assert response.status == 200, (what, response.status)
        expect(page.locator(shown).first).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == language, what
        try:
            axe_check(page, strict=True)
        except AssertionError as found:
            failures.append(f"{what}: {found}")
    page.context.close()
    assert not failures, "\n\n".join(failures)
