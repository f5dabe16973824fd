"""The booking and slot admin at scale: a constant number of queries, shaped searches through
indexes, no full count or date scans, and (PostgreSQL) list queries that use the indexes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pkop_portal.tests.plans import plan_of
from reception.models import Booking, Slot
from reception.tests.factories import ManagerFactory, iins

pytestmark = pytest.mark.django_db
BOOKINGS = "/en/admin/reception/booking/"
SLOTS = "/en/admin/reception/slot/"
START = datetime(2026, 12, 1, 15, 0, tzinfo=ZoneInfo("Asia/Almaty"))
TARGET_NUMBER = "R-7KX2M9QA"


@pytest.fixture
def secretary_client(client):
    user = User.objects.create_user("secretary", is_staff=True)
    user.groups.add(Group.objects.get(name="Reception secretary"))
    client.force_login(user)
    return client


def bookings(n, *, first=0, **fields):
    """`n` bookings, one per slot of one manager, every fourth a no-show."""
    manager = ManagerFactory()
    for i, iin in enumerate(iins(first + n)[first:], start=first):
        starts = START + timedelta(days=i)
        slot = Slot.objects.create(
            manager=manager, starts_at=starts, ends_at=starts + timedelta(minutes=20)
        )
        status = Booking.Status.NO_SHOW if i % 4 == 3 else Booking.Status.BOOKED
        values = {
            "number": f"R-{i:08d}".replace("0", "A").replace("1", "B"),
            "full_name": f"Гражданин {i}",
            "iin": iin,
            "phone": f"+7702{1000000 + i:07d}",
            "email": f"c{i}@example.kz",
            "topic": "Вопрос по жилью",
        }
        values.update(fields if i == first else {})
        Booking.objects.create(
            slot=slot,
            manager=manager,
            seat=1,
            status=status,
            is_active=status == Booking.Status.BOOKED,
            language="ru",
            token_nonce="n",
            token_hash=f"h{i}",
            idempotency_key=f"k{i}",
            **values,
        )


TARGET = {
    "number": TARGET_NUMBER,
    "full_name": "Айгерим Садыкова",
    "phone": "+77019998877",
    "email": "Target@Example.kz",
    "topic": "Отопление в доме",
}
SEARCHES = [
    {},
    {"q": TARGET_NUMBER},
    {"q": "7kx2m9qa"},
    {"q": "8 701 999 88 77"},
    {"q": "target@example.KZ"},
    {"q": "Отопление"},
    {"q": "Садыкова"},
    {"status__exact": "no_show"},
    {"conflict": "yes"},
]


def page(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_booking_changelist_and_searches_cost_the_same_for_3_and_30(secretary_client):
    bookings(3, **TARGET)
    [page(secretary_client, BOOKINGS, p) for p in SEARCHES]  # per-process caches warmed
    small = {str(p): len(page(secretary_client, BOOKINGS, p)[1]) for p in SEARCHES}
    bookings(27, first=3)
    large = {str(p): len(page(secretary_client, BOOKINGS, p)[1]) for p in SEARCHES}
    assert large == small


@pytest.mark.parametrize(
    "term", [TARGET_NUMBER, "7KX2M9QA", "+7 701 999 88 77", "TARGET@example.kz", "Садыкова"]
)
def test_a_shaped_search_finds_the_one_booking(secretary_client, term):
    bookings(4, **TARGET)
    response, _queries = page(secretary_client, BOOKINGS, {"q": term})
    assert [b.number for b in response.context["cl"].result_list] == [TARGET_NUMBER]


def test_an_iin_search_finds_the_citizens_bookings_with_their_no_shows(secretary_client):
    bookings(4)
    iin = iins(4)[3]  # the fourth is a no-show
    response, _queries = page(secretary_client, BOOKINGS, {"q": iin})
    (found,) = response.context["cl"].result_list
    assert (found.iin, found.no_show_count) == (iin, 1)


def test_no_count_of_the_whole_table_when_filtered_and_no_date_scans(secretary_client):
    bookings(4, **TARGET)
    for params in ({"status__exact": "no_show"}, {"q": TARGET_NUMBER}):
        _response, queries = page(secretary_client, BOOKINGS, params)
        counts = [q for q in queries if "COUNT(*)" in q and 'FROM "reception_booking"' in q]
        assert len(counts) == 1 and " WHERE " in counts[0]
    for url in (BOOKINGS, SLOTS):
        _response, queries = page(secretary_client, url, {})
        assert not [q for q in queries if "MIN(" in q.upper()]


def test_slot_changelist_counts_only_the_page_and_costs_the_same_for_3_and_30(secretary_client):
    bookings(3)
    page(secretary_client, SLOTS, {})
    _response, small = page(secretary_client, SLOTS, {})
    bookings(27, first=3)
    response, large = page(secretary_client, SLOTS, {})
    assert len(large) == len(small)
    assert sorted(s.booked_count for s in response.context["cl"].result_list).count(1) == 30 - 7
    # No grouped join of every slot with its bookings (for the count or the page): the
    # page's rows count their bookings in a subquery each.
    assert not [q for q in large if 'GROUP BY "reception_slot"."id"' in q]


# --- PostgreSQL: the list queries use the indexes -------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "url, marker, index",
    [
        (BOOKINGS, 'ORDER BY "reception_slot"."starts_at"', "slot_start_manager"),
        (SLOTS, 'ORDER BY "reception_slot"."starts_at"', "slot_start_manager"),
    ],
)
def test_the_page_query_walks_the_start_index(secretary_client, url, marker, index):
    bookings(3)
    _response, queries = page(secretary_client, url, {})
    (listed,) = [q for q in queries if marker in q]
    assert index in plan_of(listed)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "term, index",
    [
        (TARGET_NUMBER, "reception_booking_number"),
        ("+77019998877", "booking_phone"),
        ("target@example.kz", "booking_email_upper"),
    ],
)
def test_each_search_uses_its_index(secretary_client, term, index):
    bookings(3, **TARGET)
    _response, queries = page(secretary_client, BOOKINGS, {"q": term})
    (counted,) = [q for q in queries if q.startswith('SELECT COUNT(*) AS "__count"')]
    assert index in plan_of(counted)


@pytest.mark.postgres
def test_an_iin_search_uses_the_iin_index(secretary_client):
    bookings(3)
    _response, queries = page(secretary_client, BOOKINGS, {"q": iins(1)[0]})
    (listed,) = [q for q in queries if 'ORDER BY "reception_slot"."starts_at"' in q]
    assert "booking_iin_status" in plan_of(listed)


def test_dates_are_filters(secretary_client):
    bookings(2)
    # As the "starts at" date filter links them: local midnights, with their offset.
    response, _queries = page(
        secretary_client,
        BOOKINGS,
        {
            "slot__starts_at__gte": "2026-12-01 00:00:00+05:00",
            "slot__starts_at__lt": "2026-12-02 00:00:00+05:00",
        },
    )
    assert response.context["cl"].result_count == 1
