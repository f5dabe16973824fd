"""The admin index (pkop_portal.dashboard): each staff member's tiles above the app list, counting
what that member's lists show and linking to them; the apps in order of use."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from appeals import enums
from appeals.tests.factories import AppealFactory, staff_user
from charity import enums as charity_enums
from charity.tests.factories import CharityRequestFactory
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from pkop_portal import dashboard, workdays
from reception.models import Booking
from reception.tests.factories import ManagerFactory, booking_make

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ALMATY)  # a Monday
TODAY = NOW.date()
YESTERDAY = date(2026, 11, 22)
IN_3_WORKING_DAYS = date(2026, 11, 26)
IN_4_WORKING_DAYS = date(2026, 11, 27)
LATER = date(2026, 12, 21)

APPEALS = "/en/admin/appeals/appeal/"
BOOKINGS = "/en/admin/reception/booking/"
REQUESTS = "/en/admin/charity/charityrequest/"
OUTBOX = "/en/admin/notifications/notification/"
TODAY_RANGE = (
    "slot__starts_at__gte=2026-11-23+00%3A00%3A00%2B05%3A00"
    "&slot__starts_at__lt=2026-11-24+00%3A00%3A00%2B05%3A00"
)


@pytest.fixture(autouse=True)
def _monday(clock):
    clock.set(NOW)
    assert workdays.add_working_days(TODAY, 3) == IN_3_WORKING_DAYS


@pytest.fixture
def people():
    names = {
        "executor": "Executor",
        "other_executor": "Executor",
        "registrar": "Registrar",
        "other_registrar": "Registrar",
        "head": "Head",
        "analyst": "Analyst",
        "secretary": "Reception secretary",
        "officer": "Charity officer",
        "other_officer": "Charity officer",
    }
    return {username: staff_user(username, group) for username, group in names.items()}


def _appeal(status=enums.Status.IN_WORK, *, due=LATER, redirect_due=LATER, **fields):
    return AppealFactory(status=status, due_date=due, redirect_due_date=redirect_due, **fields)


@pytest.fixture
def appeals(people):
    executor, registrar = people["executor"], people["registrar"]
    other_registrar = people["other_registrar"]
    return {
        "mine_overdue": _appeal(executor=executor, due=YESTERDAY, registered_by=registrar),
        "mine_due_soon": _appeal(executor=executor, due=IN_3_WORKING_DAYS),
        "mine_later": _appeal(executor=executor, due=IN_4_WORKING_DAYS),
        "mine_answered": _appeal(enums.Status.ANSWERED, executor=executor, due=YESTERDAY),
        "theirs_overdue": _appeal(executor=people["other_executor"], due=YESTERDAY),
        "unassigned_redirect_soon": _appeal(
            enums.Status.REGISTERED,
            redirect_due=date(2026, 11, 24),
            registered_by=registrar,
        ),
        "unassigned_later": _appeal(
            enums.Status.REGISTERED,
            redirect_due=date(2026, 11, 30),
            registered_by=other_registrar,
        ),
    }


def _bookings(specs):
    """One booking per (local start, status) of one manager."""
    manager = ManagerFactory()
    for starts, status in specs:
        booking_make(starts, status, manager=manager)


@pytest.fixture
def others(people):
    """Today's visits (2 still booked), failed notices (2 the Head sees) and charity requests."""
    day = datetime(2026, 11, 23, tzinfo=ALMATY)
    _bookings(
        [
            (day.replace(hour=9), Booking.Status.BOOKED),
            (day.replace(hour=15), Booking.Status.BOOKED),
            (day.replace(hour=11), Booking.Status.ATTENDED),
            (day.replace(hour=12), Booking.Status.CANCELLED_BY_CITIZEN),
            (day + timedelta(days=1, hours=9), Booking.Status.BOOKED),
            (day - timedelta(minutes=20), Booking.Status.BOOKED),  # yesterday, 23:40
        ]
    )
    NotificationFactory.create_batch(2, status=Notification.Status.FAILED)
    NotificationFactory(status=Notification.Status.SENT)
    # The hotline's notices exist for Compliance only, not for the Head.
    NotificationFactory(status=Notification.Status.FAILED, event="hotline.report_received")
    officer, other = people["officer"], people["other_officer"]
    status = charity_enums.Status
    CharityRequestFactory(officer=officer, status=status.SUBMITTED, due_date=LATER)
    CharityRequestFactory(officer=officer, status=status.UNDER_REVIEW, due_date=YESTERDAY)
    CharityRequestFactory(officer=officer, status=status.CLOSED, due_date=YESTERDAY)
    CharityRequestFactory(officer=other, status=status.SUBMITTED, due_date=YESTERDAY)


def _tiles(client, user, lang="en"):
    client.force_login(user)
    response = client.get(f"/{lang}/admin/")
    assert response.status_code == 200
    return response, {t.key: t for t in response.context["dashboard_tiles"]}


def _shown(tiles):
    return {key: (tile.count, tile.url) for key, tile in tiles.items()}


def test_executor_sees_own_open_overdue_and_due_soon_appeals(client, people, appeals, others):
    _response, tiles = _tiles(client, people["executor"])
    assert _shown(tiles) == {
        "mine": (3, f"{APPEALS}?mine=1"),
        "overdue": (1, f"{APPEALS}?overdue=yes"),
        "due_soon": (1, f"{APPEALS}?overdue=soon"),
    }
    assert tiles["overdue"].alert
    assert not tiles["due_soon"].alert


def test_head_sees_every_appeal_visit_failed_notice_and_overdue_request(
    client, people, appeals, others
):
    _response, tiles = _tiles(client, people["head"])
    assert _shown(tiles) == {
        "overdue": (2, f"{APPEALS}?overdue=yes"),
        "due_soon": (1, f"{APPEALS}?overdue=soon"),
        "unassigned": (2, f"{APPEALS}?unassigned=1"),
        "redirect": (1, f"{APPEALS}?redirect=urgent"),
        "visits_today": (2, f"{BOOKINGS}?{TODAY_RANGE}&status__exact=booked"),
        "charity_overdue": (2, f"{REQUESTS}?overdue=yes"),
        "notifications_failed": (2, f"{OUTBOX}?status__exact=failed"),
    }
    assert list(tiles) == [
        "overdue",
        "due_soon",
        "unassigned",
        "redirect",
        "visits_today",
        "charity_overdue",
        "notifications_failed",
    ]


def test_registrar_counts_only_the_appeals_they_registered(client, people, appeals, others):
    _response, tiles = _tiles(client, people["registrar"])
    assert _shown(tiles) == {
        "overdue": (1, f"{APPEALS}?overdue=yes"),
        "due_soon": (0, f"{APPEALS}?overdue=soon"),
        "unassigned": (1, f"{APPEALS}?unassigned=1"),
        "redirect": (1, f"{APPEALS}?redirect=urgent"),
    }
    assert not tiles["due_soon"].alert


def test_analyst_secretary_and_officer_see_only_their_own_lists(client, people, appeals, others):
    _response, tiles = _tiles(client, people["analyst"])
    assert set(tiles) == {"overdue", "due_soon"}
    assert tiles["overdue"].count == 2
    _response, tiles = _tiles(client, people["secretary"])
    assert _shown(tiles) == {"visits_today": (2, f"{BOOKINGS}?{TODAY_RANGE}&status__exact=booked")}
    officer = people["officer"]
    _response, tiles = _tiles(client, officer)
    open_statuses = "submitted%2Cdocuments_incomplete%2Cunder_review%2Cat_committee"
    assert _shown(tiles) == {
        "charity_mine": (
            2,
            f"{REQUESTS}?officer__id__exact={officer.pk}&status__in={open_statuses}",
        ),
        "charity_overdue": (2, f"{REQUESTS}?overdue=yes"),
    }


@pytest.mark.parametrize("who", ["executor", "registrar", "head", "officer"])
def test_each_tile_links_to_a_list_of_as_many_rows(client, people, appeals, others, who):
    _response, tiles = _tiles(client, people[who])
    for tile in tiles.values():
        response = client.get(tile.url)
        assert response.status_code == 200, tile.url
        assert response.context["cl"].result_count == tile.count, tile.key


def test_page_shows_tiles_as_links_above_the_apps_with_the_portal_stylesheet(
    client, people, appeals, others
):
    response, tiles = _tiles(client, people["head"])
    html = response.content.decode()
    overdue = tiles["overdue"]
    assert f'<a href="{overdue.url}"><span class="portal-tile-count">2</span>' in html
    assert 'class="portal-tile portal-tile-overdue portal-tile-alert"' in html
    assert html.index("portal-dashboard") < html.index('class="app-appeals')
    assert "css/admin-portal.css" in html
    assert " style=" not in html


def test_staff_without_any_list_sees_no_tiles(client):
    user = User.objects.create_user("plain", is_staff=True)
    response, tiles = _tiles(client, user)
    assert tiles == {}
    assert "portal-dashboard" not in response.content.decode()


def test_index_query_count_does_not_grow_with_appeals(client, people, others, query_count):
    head = people["head"]
    client.force_login(head)
    for _i in range(2):
        _appeal(enums.Status.REGISTERED, due=YESTERDAY, redirect_due=TODAY)
    few, response = query_count(lambda: client.get("/en/admin/"))
    assert response.context["dashboard_tiles"][0].count == 2
    for _i in range(10):
        _appeal(enums.Status.REGISTERED, due=YESTERDAY, redirect_due=TODAY)
    many, response = query_count(lambda: client.get("/en/admin/"))
    assert response.context["dashboard_tiles"][0].count == 12
    assert few == many


def test_apps_are_listed_in_order_of_use_in_the_index_and_the_sidebar(client):
    root = User.objects.create_superuser("root", "root@example.kz", "x")
    client.force_login(root)
    labels = [app["app_label"] for app in client.get("/en/admin/").context["app_list"]]
    assert labels[0] == "appeals"
    assert labels[-2:] == ["auth", "axes"]
    assert labels == [label for label in dashboard.APP_ORDER if label in labels]
    assert {"reception", "charity", "notifications", "pkop_portal"} <= set(labels)
    page = client.get("/en/admin/pkop_portal/calendarday/")
    assert [app["app_label"] for app in page.context["available_apps"]] == labels


def test_security_logs_app_has_a_translated_name(client):
    root = User.objects.create_superuser("root", "root@example.kz", "x")
    client.force_login(root)
    names = {app["app_label"]: app["name"] for app in client.get("/en/admin/").context["app_list"]}
    assert names["axes"] == "Security logs"


@pytest.mark.parametrize("lang", ["kk", "zh-hans"])
def test_tiles_have_no_english_labels_in_kazakh_and_chinese(client, people, appeals, others, lang):
    _response, english = _tiles(client, people["head"])
    response, tiles = _tiles(client, people["head"], lang)
    html = response.content.decode()
    assert set(tiles) == set(english)
    for key, tile in tiles.items():
        assert tile.label != english[key].label, key
        assert english[key].label not in html, key
        assert tile.url.startswith(f"/{lang}/admin/"), key
    assert "Your work" not in html
    root = User.objects.create_superuser("root", "root@example.kz", "x")
    client.force_login(root)
    apps = client.get(f"/{lang}/admin/").context["app_list"]
    assert "Security logs" not in {app["name"] for app in apps}
