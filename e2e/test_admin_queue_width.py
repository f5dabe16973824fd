"""The work queue and the booking list fit a 1366 × 768 screen with the filter sidebar shown:
no horizontal scroll of the page or of the table (issue 12, the work queue)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from appeals import enums
from appeals.models import Category
from appeals.tests.factories import AppealFactory
from pkop_portal import workdays
from reception.models import Booking, Slot
from reception.tests.factories import ManagerFactory, iins

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery-staple"
WIDE = {"width": 1366, "height": 768}
# The document and the changelist's table box: neither may scroll sideways.
OVERFLOW = """() => {
  const results = document.querySelector('#changelist-form .results');
  return {
    page: document.documentElement.scrollWidth - window.innerWidth,
    table: results ? results.scrollWidth - results.clientWidth : 0,
  };
}"""


def long_appeals():
    """Open appeals with the longest texts a column can hold, in every state of the deadline."""
    today = workdays.local_now().date()
    head = User.objects.create_superuser(
        "head", "head@pkop.kz", PASSWORD, first_name="Айгерім", last_name="Сейтқали-Нұрланқызы"
    )
    category = Category.objects.order_by("-name_ru").first()
    for i in range(12):
        AppealFactory(
            executor=head if i % 2 else None,
            status=enums.Status.IN_WORK if i % 2 else enums.Status.REGISTERED,
            category=category,
            due_date=today + timedelta(days=i * 3 - 12),
            applicant_type=enums.ApplicantType.LEGAL_ENTITY,
            organisation_name="ТОО «Шымкентская нефтеперерабатывающая сервисная компания»",
            full_name="Сейтқалиева Айгерім Нұрланқызы",
            subject="Коллективное обращение жителей микрорайона о загрязнении воздуха " * 3,
        )


def bookings():
    manager = ManagerFactory()
    start = workdays.local_now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for i, iin in enumerate(iins(8)):
        starts = start + timedelta(minutes=20 * i)
        slot = Slot.objects.create(
            manager=manager, starts_at=starts, ends_at=starts + timedelta(minutes=20)
        )
        Booking.objects.create(
            number=f"R-WIDE{i:04d}",
            slot=slot,
            manager=manager,
            seat=1,
            full_name=f"Сейтқалиева Айгерім Нұрланқызы {i}",
            iin=iin,
            language="kk",
            topic="Әлеуметтік көмек: көп балалы отбасына көмір сатып алуға " * 2,
            token_nonce="n",
            token_hash=f"h{i}",
            idempotency_key=f"i{i}",
        )


def assert_no_sideways_scroll(page):
    overflow = page.evaluate(OVERFLOW)
    assert overflow["page"] <= 0 and overflow["table"] <= 0, overflow


def log_in(browser: Browser, live_server, language: str):
    page = browser.new_context(viewport=WIDE).new_page()
    page.goto(f"{live_server.url}/{language}/admin/login/")
    page.locator("#id_username").fill("head")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    return page


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_queue_and_the_booking_list_fit_1366_pixels(browser: Browser, live_server, language):
    long_appeals()
    bookings()
    page = log_in(browser, live_server, language)
    page.goto(f"{live_server.url}/{language}/admin/appeals/appeal/")
    expect(page.locator("#changelist-filter")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(12)
    expect(page.locator("#result_list .appeal-overdue").first).to_be_visible()
    # The queue opens without the app sidebar (pkop_portal.admin_base.WorkListMixin): its
    # columns get the screen's width.
    expect(page.locator("#nav-sidebar")).to_have_count(0)
    assert_no_sideways_scroll(page)

    page.goto(f"{live_server.url}/{language}/admin/reception/booking/")
    expect(page.locator("#changelist-filter")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(8)
    assert_no_sideways_scroll(page)
