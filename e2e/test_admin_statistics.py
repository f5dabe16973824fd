"""Statistics with charts in the browser (issue 12, item 5): an Analyst in the Kazakh admin
sees the month's on-time share on a chart, the page fits 1366 px and passes axe, no CSP
violation is reported, and the number of late answers clicks through to the late ones."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import Browser, expect

from appeals import enums
from appeals.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery-staple"


def test_analyst_sees_charts_and_clicks_through_to_the_late_answers(
    browser: Browser, live_server, axe_check
):
    analyst = User.objects.create_user(
        "analyst", password=PASSWORD, is_staff=True, first_name="Ая", last_name="Серікова"
    )
    analyst.groups.add(Group.objects.get(name="Analyst"))
    now = timezone.now()
    AppealFactory(status=enums.Status.IN_WORK)
    for on_time in (True, True, True, False):
        AppealFactory(status=enums.Status.ANSWERED, answered_at=now, answered_on_time=on_time)

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/kk/admin/login/")
    page.locator("#id_username").fill("analyst")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(f"{live_server.url}/kk/admin/appeals/appeal/statistics/")

    chart = page.locator("svg#chart-answers")
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_contain_text(re.compile(r"75[.,]0"))
    expect(page.locator("svg.svgchart")).to_have_count(6)
    # The bars are drawn in the stylesheet's colours, not black (the CSS is loaded).
    fill = page.locator("#chart-answers rect.svgchart-bar-bad").evaluate(
        "element => getComputedStyle(element).fill"
    )
    assert fill not in ("", "rgb(0, 0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert csp_errors == []
    axe_check(page)

    page.locator("#stat-answers-late a").click()
    expect(page).to_have_url(re.compile(r"/kk/admin/appeals/appeal/\?.*answered_on_time__exact=0"))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    context.close()
