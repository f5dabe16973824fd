"""The public statistics page (/<lang>/statistics/): figures against data made here, small-count
suppression, year validation, no personal data, four languages, constant queries."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from appeals import enums
from appeals.models import Category
from appeals.tests.factories import VALID_IIN, AppealFactory
from pkop_portal import workdays
from pkop_portal.public_statistics import public_statistics, public_statistics_compute
from reception.models import Booking, Slot
from reception.tests.factories import ManagerFactory, iins

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en", "zh-hans"]
YEAR = workdays.local_now().year - 1  # a past year: all twelve months are on the page
NAME = "Айгерим Садыкова"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def categories():
    first, second = Category.objects.order_by("position", "id")[:2]
    return first, second


def _local(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _received(category, day: date, n: int) -> None:
    for _ in range(n):
        AppealFactory(category=category, registration_date=day)


def _answered(
    category, day: date, *, after: int, on_time: bool, answered_on=None, working_days=None
) -> None:
    """An appeal answered on `day` (or `answered_on`), registered `after` calendar days before;
    the working days the workflow stored are `working_days`, by default `after` (so figures
    do not depend on the weekdays of a year relative to today)."""
    registered = day - timedelta(days=after)
    AppealFactory(
        category=category,
        registration_date=registered,
        status=enums.Status.ANSWERED,
        answered_at=_local(answered_on or day),
        answered_on_time=on_time,
        answer_working_days=after if working_days is None else working_days,
    )


def _row(table, month: int, category) -> dict:
    months = {m["month"]: m for m in table["months"]}
    index = table["categories"].index(category.name)
    return months[month]["rows"][index]


def _month(table, month: int) -> dict:
    return {m["month"]: m for m in table["months"]}[month]


def _values(row) -> tuple:
    return (row["received"]["value"], row["answered"]["value"])


def test_counts_per_month_and_category(categories):
    first, second = categories
    _received(first, date(YEAR, 3, 2), 7)
    _received(second, date(YEAR, 3, 20), 5)
    table = public_statistics_compute(year=YEAR)
    assert table["categories"] == [first.name, second.name]
    assert [m["month"] for m in table["months"]] == list(range(1, 13))
    assert _values(_row(table, 3, first)) == (7, 0)
    assert _values(_row(table, 3, second)) == (5, 0)
    assert _values(_month(table, 3)["total"]) == (12, 0)
    assert _values(_row(table, 4, first)) == (0, 0)


def test_cell_under_five_is_hidden_with_its_complement(categories):
    first, second = categories
    _received(first, date(YEAR, 4, 1), 6)
    _received(second, date(YEAR, 4, 2), 2)
    table = public_statistics_compute(year=YEAR)
    small, complement = _row(table, 4, second), _row(table, 4, first)
    assert small["received"] == {"value": None, "hidden": True}
    # Shown beside the month total (8), the 6 would give the 2 away: hidden as a complement.
    assert complement["received"] == {"value": None, "hidden": True}
    assert _month(table, 4)["total"]["received"] == {"value": 8, "hidden": False}


def test_month_total_under_five_is_hidden(categories):
    first, _second = categories
    _received(first, date(YEAR, 5, 3), 3)
    table = public_statistics_compute(year=YEAR)
    assert _row(table, 5, first)["received"]["hidden"] is True
    assert _month(table, 5)["total"]["received"] == {"value": None, "hidden": True}


def test_answered_on_time_share_and_median(categories):
    first, second = categories
    # Answered in June after 1..7 days, five of seven on time.
    for after, on_time in zip(range(1, 8), [True] * 5 + [False] * 2, strict=True):
        _answered(first, date(YEAR, 6, 20), after=after, on_time=on_time)
    # Three in the other category: too few for a share or a median (and hidden).
    for after in (2, 3, 10):
        _answered(second, date(YEAR, 6, 25), after=after, on_time=True)
    # Status answered but answered in July: counted in July, not June.
    _answered(first, date(YEAR, 6, 20), after=1, on_time=True, answered_on=date(YEAR, 7, 1))
    table = public_statistics_compute(year=YEAR)
    row = _row(table, 6, first)
    assert row["answered"] == {"value": None, "hidden": True}  # complement of the 3
    assert (row["on_time_share"], row["median_days"]) == (None, None)
    other = _row(table, 6, second)
    assert other["answered"]["hidden"] is True
    assert (other["on_time_share"], other["median_days"]) == (None, None)
    total = _month(table, 6)["total"]
    assert total["answered"] == {"value": 10, "hidden": False}
    assert total["on_time_share"] == 80.0  # 8 of 10
    # Days 1..7 and 2, 3, 10: median of 10 values = (3 + 4) / 2.
    assert total["median_days"] == 3.5
    assert _month(table, 7)["total"]["answered"] == {"value": None, "hidden": True}


def test_share_and_median_of_a_shown_category(categories):
    first, _second = categories
    for after, on_time in zip([1, 2, 4, 8, 9], [True, True, True, False, True], strict=True):
        _answered(first, date(YEAR, 9, 15), after=after, on_time=on_time)
    row = _row(public_statistics_compute(year=YEAR), 9, first)
    assert row["answered"] == {"value": 5, "hidden": False}
    assert (row["on_time_share"], row["median_days"]) == (80.0, 4)


def test_median_is_of_working_days_not_calendar_days(categories):
    first, _second = categories
    # Registered ten calendar days before the answer, but only 6 or 7 working days of them.
    for working_days in (6, 6, 7, 7, 7):
        _answered(first, date(YEAR, 10, 20), after=10, on_time=True, working_days=working_days)
    row = _row(public_statistics_compute(year=YEAR), 10, first)
    assert (row["answered"]["value"], row["median_days"]) == (5, 7)
    assert _month(public_statistics_compute(year=YEAR), 10)["total"]["median_days"] == 7


def test_page_says_working_days(client, categories):
    _received(categories[0], date(YEAR, 3, 2), 5)
    page = client.get(_url(year=YEAR)).content.decode()
    assert "Median working days to answer</th>" in page
    assert "calendar days" not in page


def test_not_answered_status_is_not_counted_as_answered(categories):
    first, _second = categories
    for _ in range(5):
        AppealFactory(
            category=first,
            registration_date=date(YEAR, 8, 1),
            status=enums.Status.REGISTERED,
            answered_at=_local(date(YEAR, 8, 2)),
        )
    row = _row(public_statistics_compute(year=YEAR), 8, first)
    assert _values(row) == (5, 0)


def _visits(day: date, status: str, n: int) -> None:
    manager = ManagerFactory()
    for i, iin in enumerate(iins(n)):
        starts = _local(day, 9) + timedelta(minutes=20 * i)
        slot = Slot.objects.create(
            manager=manager, starts_at=starts, ends_at=starts + timedelta(minutes=20)
        )
        Booking.objects.create(
            number=f"R-{day:%m%d}-{status[:3]}-{i}",
            slot=slot,
            manager=manager,
            seat=1,
            status=status,
            is_active=status == Booking.Status.ATTENDED,
            full_name=NAME,
            iin=iin,
            language="ru",
            topic="Вопрос",
            token_nonce=f"n{i}",
            token_hash=f"h-{day:%m%d}-{status}-{i}",
            idempotency_key=f"k-{day:%m%d}-{status}-{i}",
        )


def test_visits_held_per_month():
    _visits(date(YEAR, 2, 10), Booking.Status.ATTENDED, 6)
    _visits(date(YEAR, 2, 11), Booking.Status.NO_SHOW, 4)
    _visits(date(YEAR, 3, 10), Booking.Status.ATTENDED, 2)
    _received(Category.objects.first(), date(YEAR, 1, 1), 1)
    table = public_statistics_compute(year=YEAR)
    assert _month(table, 2)["visits"] == {"value": 6, "hidden": False}
    assert _month(table, 3)["visits"] == {"value": None, "hidden": True}
    assert _month(table, 4)["visits"] == {"value": 0, "hidden": False}


def _url(lang: str = "en", **query) -> str:
    with translation.override(lang):
        url = reverse("statistics")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_year_defaults_to_this_year(client):
    response = client.get(_url())
    assert response.status_code == 200
    assert response.context["year"] == workdays.local_now().year
    assert response.context["years"] == [workdays.local_now().year]


@pytest.mark.parametrize(
    "raw", ["1999", str(YEAR - 1), str(YEAR + 2), "２０２５", "20x5", "-2025", "0" + str(YEAR)]
)
def test_year_outside_range_or_not_ascii_digits_is_404(client, categories, raw):
    _received(categories[0], date(YEAR, 1, 5), 1)
    response = client.get(_url(year=raw))
    assert response.status_code == 404


def test_year_from_first_appeal_to_this_year(client, categories):
    _received(categories[0], date(YEAR, 1, 5), 6)
    response = client.get(_url(year=YEAR))
    assert response.status_code == 200
    assert response.context["year"] == YEAR
    assert response.context["years"] == [YEAR + 1, YEAR]
    assert (
        _row(
            {"months": response.context["months"], "categories": response.context["categories"]},
            1,
            categories[0],
        )["received"]["value"]
        == 6
    )


def test_no_personal_data_on_the_page(client, categories):
    first, second = categories
    _received(first, date(YEAR, 3, 2), 7)
    _received(second, date(YEAR, 3, 2), 2)
    for after in range(1, 6):
        _answered(first, date(YEAR, 3, 20), after=after, on_time=True)
    _visits(date(YEAR, 3, 10), Booking.Status.ATTENDED, 5)
    page = client.get(_url(year=YEAR)).content.decode()
    assert NAME not in page
    assert VALID_IIN not in page
    assert "aigerim@example.kz" not in page
    assert "A-2026-" not in page  # no registration numbers


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_in_each_language(client, categories, lang):
    _received(categories[0], date(YEAR, 3, 2), 5)
    response = client.get(_url(lang, year=YEAR))
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override(lang):
        title = gettext("Statistics of appeals")
        name = Category.objects.get(pk=categories[0].pk).name
    assert f'<h1 class="mb-3">{title}</h1>' in page
    assert name in page
    assert f'lang="{lang}"' in page
    if lang == "en":
        assert '<h1 class="mb-3">Statistics of appeals</h1>' in page


def test_footer_links_the_page(client):
    with translation.override("en"):
        page = client.get(reverse("contacts")).content.decode()
    assert f'href="{_url()}"' in page


def test_table_is_cached_per_year_and_language(categories, django_assert_num_queries):
    _received(categories[0], date(YEAR, 3, 2), 5)
    with translation.override("en"):
        first = public_statistics(year=YEAR)
        _received(categories[0], date(YEAR, 3, 2), 1)
        with django_assert_num_queries(0):
            assert public_statistics(year=YEAR) == first
    with translation.override("ru"):
        assert _row(public_statistics(year=YEAR), 3, categories[0])["received"]["value"] == 6


def _grow(categories, n: int) -> None:
    first, second = categories
    for i in range(n):
        category = first if i % 2 else second
        day = date(YEAR, 1 + i % 12, 10)
        AppealFactory(category=category, registration_date=day)
        _answered(category, day, after=1 + i % 5, on_time=bool(i % 3))
    _visits(date(YEAR, 1 + n % 12, 3), Booking.Status.ATTENDED, n)


def test_query_count_constant_in_rows(client, categories, query_count):
    url = _url(year=YEAR)
    _grow(categories, 2)
    cache.clear()
    small, response = query_count(lambda: client.get(url))
    assert response.status_code == 200
    _grow(categories, 20)
    cache.clear()
    large, response = query_count(lambda: client.get(url))
    assert response.status_code == 200
    assert large == small
