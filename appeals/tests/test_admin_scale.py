"""The appeal admin at scale: a constant number of queries, no full count, no date hierarchy
scan, shaped searches, statistics in SQL, and (PostgreSQL) list queries that use the indexes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appeals import enums
from appeals.models import Appeal
from appeals.selectors import appeal_statistics
from appeals.tests.factories import VALID_IIN, AppealFactory
from pkop_portal import workdays
from pkop_portal.tests.plans import plan_of

pytestmark = pytest.mark.django_db
URL = "/en/admin/appeals/appeal/"
ALMATY = ZoneInfo("Asia/Almaty")


def login(client, group, username="staff"):
    user = User.objects.create_user(username, is_staff=True, first_name=username.title())
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def appeals(n, **fields):
    """`n` appeals spread over statuses, executors' work and flags, one of them the target."""
    today = workdays.local_now().date()
    for i in range(n):
        AppealFactory(
            status=[enums.Status.REGISTERED, enums.Status.IN_WORK, enums.Status.ANSWERED][i % 3],
            due_date=today + timedelta(days=i % 7 - 3),
            possible_repeat=i % 5 == 0,
            phone=f"+7701{1000000 + i:07d}",
            email=f"user{i}@example.kz",
            iin="",
            **fields,
        )


def page(client, params):
    with CaptureQueriesContext(connection) as queries:
        # An Executor's bare list opens on their own appeals (?mine=1): counted with it.
        response = client.get(URL, params, follow=True)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


TARGET = {
    "year": 2026,
    "sequence": 777,
    "iin": VALID_IIN,
    "phone": "+77019998877",
    "email": "Target@Example.kz",
    "subject": "Отопление в доме",
    "text": "Жылу беру үзілді",
}
SEARCHES = [
    {},
    {"q": "A-2026-000777"},
    {"q": "000777"},
    {"q": VALID_IIN},
    {"q": "8 701 999 88 77"},
    {"q": "target@example.KZ"},
    {"q": "Отопление"},
    {"status__exact": "in_work"},
    {"overdue": "urgent"},
    {"redirect": "urgent"},
    {"possible_repeat__exact": "1"},
    {"status__exact": "registered", "q": "Жылу"},
]


@pytest.mark.parametrize("group", ["Head", "Executor", "Analyst"])
def test_changelist_and_every_search_cost_the_same_for_3_and_30_appeals(client, group):
    user = login(client, group)
    executor = {"executor": user} if group == "Executor" else {}
    AppealFactory(**TARGET, **executor)
    appeals(2, **executor)
    # A first pass loads what is cached per process (the working-day calendar), not per row.
    [page(client, p) for p in map(dict, SEARCHES)]
    small = {str(p): len(page(client, p)[1]) for p in map(dict, SEARCHES)}
    appeals(27, **executor)
    large = {str(p): len(page(client, p)[1]) for p in map(dict, SEARCHES)}
    assert large == small


@pytest.mark.parametrize(
    "params",
    [{"q": "A-2026-000777"}, {"q": "777"}, {"q": VALID_IIN}, {"q": "+7 (701) 999-88-77"}],
)
def test_a_shaped_search_finds_the_one_appeal(client, params):
    login(client, "Head")
    AppealFactory(**TARGET)
    appeals(5)
    response, _queries = page(client, params)
    assert [a.number for a in response.context["cl"].result_list] == ["A-2026-000777"]


def test_a_word_search_includes_the_text(client):
    login(client, "Head")
    AppealFactory(**TARGET)
    appeals(3)
    response, _queries = page(client, {"q": "Жылу"})
    assert [a.number for a in response.context["cl"].result_list] == ["A-2026-000777"]


def test_a_masked_viewer_searches_numbers_and_words_only(client):
    login(client, "Analyst")
    AppealFactory(**TARGET)
    appeals(3)
    assert page(client, {"q": VALID_IIN})[0].context["cl"].result_count == 0
    assert page(client, {"q": "target@example.kz"})[0].context["cl"].result_count == 0
    assert page(client, {"q": "777"})[0].context["cl"].result_count == 1
    assert page(client, {"q": "Отопление"})[0].context["cl"].result_count == 1


def test_no_count_of_the_whole_table_when_filtered_and_no_date_scans(client):
    login(client, "Head")
    AppealFactory(**TARGET)
    appeals(4)
    for params in ({"status__exact": "in_work"}, {"q": VALID_IIN}, {"q": "Отопление"}):
        _response, queries = page(client, params)
        counts = [q for q in queries if "COUNT(" in q.upper() and '"appeals_appeal"' in q]
        assert len(counts) == 1, counts
        assert " WHERE " in counts[0]
    _response, queries = page(client, {})
    assert not [q for q in queries if "MIN(" in q.upper() or "DISTINCT" in q.upper()]
    counts = [q for q in queries if "COUNT(" in q.upper()]
    assert len(counts) <= 1  # the unfiltered list: one count, or PostgreSQL's estimate


def test_the_list_reads_no_long_texts(client):
    login(client, "Head")
    AppealFactory(**TARGET)
    _response, queries = page(client, {})
    listed = [q for q in queries if "ORDER BY" in q and 'FROM "appeals_appeal"' in q]
    assert listed and all('"appeals_appeal"."text"' not in q for q in listed)


# --- PostgreSQL: the list queries use the indexes -------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "params, index",
    [
        # The list as first shown: open appeals only (appeals.admin_queue.StateFilter).
        ({}, "appeal_open_due_id"),
        ({"state": "all"}, "appeal_due_id"),
        ({"status__exact": "in_work"}, "appeal_status_due_id"),
        ({"overdue": "yes"}, "appeal_open_due_id"),
        ({"possible_repeat__exact": "1", "state": "all"}, "appeal_repeat_due_id"),
        ({"kind__exact": "complaint"}, "appeal_kind_due_id"),
        ({"category__id__exact": "1"}, "appeal_category_due_id"),
        ({"channel__exact": "web"}, "appeal_channel_due_id"),
        ({"language__exact": "ru"}, "appeal_language_due_id"),
    ],
)
def test_the_page_query_walks_an_index_in_the_list_order(client, params, index):
    login(client, "Head")
    appeals(3)
    _response, queries = page(client, params)
    (listed,) = [q for q in queries if 'ORDER BY "appeals_appeal"."due_date"' in q]
    explained = plan_of(listed)
    assert index in explained
    assert "Sort" not in explained.replace("Incremental Sort", "")


@pytest.mark.postgres
def test_an_executors_own_list_walks_the_executor_index(client):
    user = login(client, "Executor")
    appeals(3, executor=user)
    _response, queries = page(client, {})
    (listed,) = [q for q in queries if 'ORDER BY "appeals_appeal"."due_date"' in q]
    assert "appeal_executor_due_id" in plan_of(listed)


# --- Statistics -----------------------------------------------------------------------------


def answered(registered: date, days: int):
    return AppealFactory(
        status=enums.Status.ANSWERED,
        answered_on_time=days <= 15,
        registration_date=registered,
        # 02:30 in Almaty is the previous day in UTC: the local date of the answer counts.
        answered_at=datetime.combine(
            registered + timedelta(days=days), datetime.min.time()
        ).replace(hour=2, minute=30, tzinfo=ALMATY),
    )


def test_statistics_cost_the_same_for_3_and_30_appeals_and_the_median_is_right(query_count):
    start = date(2026, 3, 2)
    for days in (2, 4, 10):
        answered(start, days)
    small, stats = query_count(lambda: appeal_statistics(queryset=Appeal.objects.all()))
    # Working days (Monday 2 March 2026): 2, 4 and 7 (a weekend and 9 March, the moved
    # holiday of 8 March, are not counted).
    assert (stats["total"], stats["answered"], stats["median_working_days"]) == (3, 3, 4)
    assert stats["on_time_share"] == 100.0
    for days in [1] * 13 + [4] * 14:
        answered(start, days)
    large, stats = query_count(lambda: appeal_statistics(queryset=Appeal.objects.all()))
    assert large == small
    assert (stats["total"], stats["median_working_days"]) == (30, 4)


def test_statistics_median_of_an_even_count_and_of_the_queryset():
    first = answered(date(2026, 3, 2), 3)
    answered(date(2026, 3, 2), 4)
    stats = appeal_statistics(queryset=Appeal.objects.all())
    assert stats["median_working_days"] == 3.5
    only_second = appeal_statistics(queryset=Appeal.objects.exclude(pk=first.pk))
    assert only_second["median_working_days"] == 4
    assert appeal_statistics(queryset=Appeal.objects.none())["median_working_days"] is None
