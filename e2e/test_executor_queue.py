"""An executor's day in the Kazakh admin (issue 12, item 8): the queue shows the overdue appeal
first, in red; its page offers the answer as the next step; the answer is written beside the
citizen's text and confirmed; back in the queue, the answered appeal is gone."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, expect

from appeals import enums
from appeals.tests.factories import AppealFactory
from pkop_portal import workdays
from pkop_portal.models import StaffProfile

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery-staple"


def test_executor_answers_the_overdue_appeal_first_and_it_leaves_the_queue(
    browser: Browser, live_server, axe_check
):
    executor = User.objects.create_user(
        "aset", password=PASSWORD, is_staff=True, first_name="Асет", last_name="Сейтқали"
    )
    executor.groups.add(Group.objects.get(name="Executor"))
    StaffProfile.objects.create(user=executor, position_kk="Бас маман")
    today = workdays.local_now().date()
    later = AppealFactory(
        executor=executor,
        status=enums.Status.IN_WORK,
        language="kk",
        subject="Жол жөндеу туралы",
        due_date=today + timedelta(days=20),
    )
    overdue = AppealFactory(
        executor=executor,
        status=enums.Status.IN_WORK,
        language="kk",
        subject="Көмір сатып алуға көмек",
        text="Көп балалы отбасына қысқа көмір алуға көмек сұраймыз.",
        registration_date=today - timedelta(days=30),
        due_date=today - timedelta(days=5),
    )

    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{live_server.url}/kk/admin/login/")
    page.locator("#id_username").fill("aset")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()

    # --- The queue: the overdue appeal first, marked in red.
    page.goto(f"{live_server.url}/kk/admin/appeals/appeal/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(overdue.number)
    expect(rows.nth(1)).to_contain_text(later.number)
    late = rows.first.locator(".appeal-overdue")
    expect(late).to_be_visible()
    red, green, blue = (
        int(part)
        for part in late.evaluate("e => getComputedStyle(e).color")
        .removeprefix("rgb(")
        .rstrip(")")
        .split(",")[:3]
    )
    assert red > 2 * max(green, blue), "overdue is shown in red"

    # --- The appeal: one clear next step, the answer.
    rows.first.locator("th a, td a").first.click()
    expect(page.locator("#appeal-steps")).to_be_visible()
    primary = page.locator("#appeal-steps a.appeal-step-primary")
    expect(primary).to_have_count(1)
    expect(primary).to_have_class("button appeal-action appeal-action-answer appeal-step-primary")
    expect(page.locator("input[name=_save]")).to_have_count(0)
    axe_check(page)

    # --- The answer, beside the citizen's text; nothing chosen for them; confirmed.
    primary.click()
    expect(page.locator("#appeal-text")).to_contain_text("Көп балалы отбасына")
    expect(page.locator("#appeal-signer")).to_have_text("Асет Сейтқали, Бас маман")
    expect(page.locator("input[name=outcome]:checked")).to_have_count(0)
    axe_check(page)
    page.locator("input[name=outcome][value=explained]").check()
    page.locator("#id_reasoning").fill("Әлеуметтік көмек бағдарламасы бойынша түсіндірілді.")
    page.locator("#id_legal_basis").fill("ӘРПК 76-бап")
    page.locator("input[type=submit]").click()
    expect(page.locator("#id_confirm")).to_be_visible()  # refused until confirmed
    expect(page.locator(".errorlist")).to_have_count(1)
    page.locator("#id_confirm").check()
    page.locator("input[type=submit]").click()
    expect(page.locator("#appeal-steps .appeal-steps-closed")).to_be_visible()
    overdue.refresh_from_db()
    assert (overdue.status, overdue.answer_signatory) == ("answered", "Асет Сейтқали, Бас маман")

    # --- Back in the queue: only the open appeal is left.
    page.goto(f"{live_server.url}/kk/admin/appeals/appeal/")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(later.number)
    expect(page.locator("#result_list")).not_to_contain_text(overdue.number)
