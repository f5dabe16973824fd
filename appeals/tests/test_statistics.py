"""The staff statistics of appeals (appeals.statistics, pkop_portal.svgcharts): the period,
figures against data made here (working days across a weekend and a holiday), links to the
lists they count, CSP-safe SVG charts, the CSV export, who may see it, constant queries."""

import csv
import importlib
import io
import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from appeals import enums, workflow
from appeals.deadlines import appeal_answer_working_days
from appeals.models import Appeal, Category
from appeals.statistics import StatisticsPeriodForm, statistics_sections
from appeals.tests.factories import VALID_IIN, AppealFactory, staff_user
from pkop_portal.svgcharts import Bar, bar_chart
from reception.models import Booking
from reception.tests.factories import booking_make

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 12, 28, 10, 0, tzinfo=ALMATY)  # a Monday
PAGE = "/en/admin/appeals/appeal/statistics/"
EXPORT = "/en/admin/appeals/appeal/statistics/export/"
NAME = "Айгерим Садыкова"


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY)


@pytest.fixture
def now(clock):
    clock.set(NOW)
    return NOW


@pytest.fixture
def categories():
    first, second = Category.objects.order_by("position", "id")[:2]
    return first, second


@pytest.fixture
def analyst_client(client, now):
    """An Analyst logged in at NOW (a login before the clock moves would have expired)."""
    client.force_login(staff_user("analyst", "Analyst"))
    return client


# --- Working days to answer -------------------------------------------------------------------


def test_working_days_skip_the_weekend_and_the_independence_day_holiday():
    # Friday 11 December 2026 → Friday 18 December: 7 calendar days; Saturday, Sunday and
    # Wednesday 16 December (Independence Day) are not working days.
    days = appeal_answer_working_days(
        registration_date=date(2026, 12, 11), answered_at=at(date(2026, 12, 18))
    )
    assert days == 4


def test_working_days_use_the_local_date_of_the_answer():
    # 02:30 on Tuesday in Almaty is still Monday in UTC: Tuesday counts.
    answered = at(date(2026, 12, 15), 2, 30)
    assert answered.astimezone(ZoneInfo("UTC")).day == 14
    days = appeal_answer_working_days(registration_date=date(2026, 12, 11), answered_at=answered)
    assert days == 2


def test_working_days_of_an_answer_on_the_registration_day_are_zero():
    assert (
        appeal_answer_working_days(
            registration_date=date(2026, 12, 14), answered_at=at(date(2026, 12, 14), 17)
        )
        == 0
    )


def test_the_answer_stores_its_working_days(clock):
    executor = staff_user("executor", "Executor")
    appeal = AppealFactory(
        status=enums.Status.IN_WORK,
        executor=executor,
        registration_date=date(2026, 12, 11),
        due_date=date(2027, 1, 5),
        statutory_due_date=date(2027, 1, 5),
    )
    clock.set(at(date(2026, 12, 18), 16))
    workflow.appeal_answer(
        appeal_id=appeal.pk, by=executor, outcome="explained", reasoning="r", legal_basis="ст. 76"
    )
    appeal.refresh_from_db()
    assert (appeal.answer_working_days, appeal.answered_on_time) == (4, True)


def test_migration_backfills_answered_appeals_only():
    migration = importlib.import_module("appeals.migrations.0011_answer_working_days")
    answered = AppealFactory(
        status=enums.Status.ANSWERED,
        registration_date=date(2026, 12, 11),
        answered_at=at(date(2026, 12, 18)),
    )
    not_considered = AppealFactory(
        status=enums.Status.NOT_CONSIDERED,
        registration_date=date(2026, 12, 11),
        answered_at=at(date(2026, 12, 18)),
    )
    open_ = AppealFactory(status=enums.Status.IN_WORK)
    Appeal.objects.update(answer_working_days=None)
    migration.backfill(django_apps, None)
    days = dict(Appeal.objects.values_list("pk", "answer_working_days"))
    assert days == {answered.pk: 4, not_considered.pk: None, open_.pk: None}


# --- The period ---------------------------------------------------------------------------------

TODAY = date(2026, 12, 28)


@pytest.mark.parametrize(
    ("query", "bounds"),
    [
        ({}, (date(2026, 12, 1), date(2026, 12, 31))),
        ({"period": "month", "year": "2026", "month": "2"}, (date(2026, 2, 1), date(2026, 2, 28))),
        ({"period": "month", "year": "2024", "month": "2"}, (date(2024, 2, 1), date(2024, 2, 29))),
        ({"period": "quarter", "year": "2026", "quarter": "4"},
         (date(2026, 10, 1), date(2026, 12, 31))),
        ({"period": "quarter", "year": "2025", "quarter": "1"},
         (date(2025, 1, 1), date(2025, 3, 31))),
        ({"period": "year", "year": "2025"}, (date(2025, 1, 1), date(2025, 12, 31))),
        ({"period": "year"}, (date(2026, 1, 1), date(2026, 12, 31))),
        (
            {"period": "custom", "start": "2026-11-15", "end": "2026-12-10"},
            (date(2026, 11, 15), date(2026, 12, 10)),
        ),
    ],
)  # fmt: skip
def test_period_bounds(query, bounds):
    form = StatisticsPeriodForm(query or None, today=TODAY)
    assert not form.is_bound or form.is_valid(), form.errors
    assert form.period_bounds() == bounds


def test_a_page_may_default_to_the_year():
    from pkop_portal.periods import PeriodForm

    class YearForm(PeriodForm):
        DEFAULT = PeriodForm.YEAR

    form = YearForm(None, today=TODAY)
    assert form.period_bounds() == (date(2026, 1, 1), date(2026, 12, 31))
    assert (form["period"].value(), form["start"].value()) == ("year", date(2026, 1, 1))
    assert StatisticsPeriodForm(None, today=TODAY)["start"].value() == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"period": "custom"}, {"start", "end"}),
        ({"period": "custom", "start": "2026-12-10", "end": "2026-12-01"}, {"end"}),
        ({"period": "custom", "start": "1999-12-10", "end": "2026-12-01"}, {"start"}),
        ({"period": "custom", "start": "2026-13-01", "end": "2026-12-01"}, {"start"}),
        ({"period": "month", "month": "13"}, {"month"}),
        ({"period": "year", "year": "1999"}, {"year"}),
        ({"period": "week"}, {"period"}),
    ],
)
def test_invalid_periods_are_refused(query, errors):
    form = StatisticsPeriodForm(query, today=TODAY)
    assert not form.is_valid()
    assert set(form.errors) == errors


def test_period_errors_are_translated():
    with translation.override("ru"):
        form = StatisticsPeriodForm(
            {"period": "custom", "start": "2026-12-10", "end": "2026-12-01"}, today=TODAY
        )
        assert not form.is_valid()
        assert form.errors["end"] == ["Дата окончания раньше даты начала."]


def test_invalid_period_shows_the_errors_and_no_figures(analyst_client, now):
    response = analyst_client.get(PAGE, {"period": "custom", "start": "2026-12-10"})
    assert response.status_code == 200
    assert response.context["sections"] is None
    html = response.content.decode()
    assert 'id="appeal-statistics-errors"' in html
    assert "Enter the last day of the period." in html
    assert 'class="svgchart"' not in html
    assert 'id="statistics-export"' not in html


# --- Figures and links ------------------------------------------------------------------------


def _booking(day: date, status: str, i: int) -> None:
    booking_make(at(day, 9) + timedelta(minutes=20 * i), status, full_name=NAME)


def _world(categories):
    """December 2026: four appeals in it (two answered, one overdue), two outside it; three
    visits in it (2 held, 1 missed) and one outside."""
    first, second = categories
    AppealFactory(
        category=first,
        registration_date=date(2026, 12, 1),
        status=enums.Status.IN_WORK,
        due_date=date(2026, 12, 22),
    )
    AppealFactory(
        category=first,
        kind=enums.Kind.COMPLAINT,
        channel=enums.Channel.BOX,
        language="kk",
        registration_date=date(2026, 12, 11),
        status=enums.Status.ANSWERED,
        answered_at=at(date(2026, 12, 18)),  # 4 working days
        answered_on_time=True,
    )
    AppealFactory(
        category=second,
        registration_date=date(2026, 12, 4),
        status=enums.Status.ANSWERED,
        answered_at=at(date(2026, 12, 28), 9),  # 15 working days (the 16th a holiday)
        answered_on_time=False,
    )
    AppealFactory(category=second, registration_date=date(2026, 12, 24), due_date=date(2027, 1, 20))
    AppealFactory(category=first, registration_date=date(2026, 11, 30), due_date=date(2026, 12, 1),
                  status=enums.Status.IN_WORK)  # fmt: skip
    AppealFactory(category=first, registration_date=date(2027, 1, 4), due_date=date(2027, 1, 25))
    _booking(date(2026, 12, 10), Booking.Status.ATTENDED, 0)
    _booking(date(2026, 12, 31), Booking.Status.ATTENDED, 1)
    _booking(date(2026, 12, 11), Booking.Status.NO_SHOW, 2)
    _booking(date(2026, 12, 14), Booking.Status.CANCELLED_BY_CITIZEN, 3)
    _booking(date(2026, 11, 30), Booking.Status.ATTENDED, 4)


def _rows(sections, key):
    (section,) = [s for s in sections if s.key == key]
    return {row.key: row for row in section.rows}


def _query(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query))


def test_figures_of_the_period(categories, now):
    _world(categories)
    first, second = categories
    with translation.override("en"):
        sections = statistics_sections(start=date(2026, 12, 1), end=date(2026, 12, 31))
    summary = _rows(sections, "summary")
    counts = {key: row.count for key, row in summary.items()}
    assert counts == {
        "total": 4,
        "open": 2,
        "overdue": 1,
        "answered": 2,
        "on-time-share": 50.0,
        "median": 9.5,  # working days 4 and 15
    }
    answers = _rows(sections, "answers")
    assert [(r.count, r.share) for r in answers.values()] == [(1, 50.0), (1, 50.0)]
    kinds = _rows(sections, "kind")
    assert list(kinds) == list(enums.Kind.values)  # every kind, zeros included
    assert (kinds["statement"].count, kinds["complaint"].count, kinds["report"].count) == (3, 1, 0)
    assert kinds["statement"].share == 75.0
    assert {k: r.count for k, r in _rows(sections, "category").items()} == {
        str(first.pk): 2,
        str(second.pk): 2,
    }
    assert _rows(sections, "category")[str(first.pk)].label == first.name_en
    assert (_rows(sections, "channel")["web"].count, _rows(sections, "channel")["box"].count) == (
        3,
        1,
    )
    languages = _rows(sections, "language")
    assert list(languages) == ["kk", "ru", "en", "zh-hans"]
    assert (languages["kk"].count, languages["ru"].count, languages["en"].count) == (1, 3, 0)
    reception = _rows(sections, "reception")
    assert [(r.count, r.share) for r in reception.values()] == [(2, 66.7), (1, 33.3)]
    # One month: no month-by-month section.
    assert "month" not in [s.key for s in sections]


def test_months_of_a_longer_period(categories, now):
    _world(categories)
    sections = statistics_sections(start=date(2026, 11, 15), end=date(2027, 1, 31))
    months = _rows(sections, "month")
    assert {k: r.count for k, r in months.items()} == {"2026-11": 1, "2026-12": 4, "2027-01": 1}
    path, query = _query(months["2026-11"].url)
    assert query["registration_date__gte"] == "2026-11-15"  # the period's start, not the 1st
    assert query["registration_date__lt"] == "2026-12-01"


def test_every_count_links_to_the_list_it_counts(categories, now):
    _world(categories)
    first, _second = categories
    sections = statistics_sections(start=date(2026, 12, 1), end=date(2026, 12, 31))
    period = {"registration_date__gte": "2026-12-01", "registration_date__lt": "2027-01-01"}
    summary = _rows(sections, "summary")
    path, query = _query(summary["total"].url)
    assert path.endswith("/admin/appeals/appeal/")
    appeals = path
    assert query == {**period, "state": "all"}
    assert _query(summary["open"].url) == (appeals, period)
    assert _query(summary["overdue"].url) == (appeals, {**period, "overdue": "yes"})
    assert _query(summary["answered"].url) == (
        appeals,
        {**period, "status__exact": "answered", "state": "all"},
    )
    late = _rows(sections, "answers")["late"]
    assert _query(late.url) == (
        appeals,
        {**period, "answered_on_time__exact": "0", "state": "all"},
    )
    assert _query(_rows(sections, "kind")["complaint"].url)[1] == {
        **period,
        "kind__exact": "complaint",
        "state": "all",
    }
    assert _query(_rows(sections, "category")[str(first.pk)].url)[1] == {
        **period,
        "category__id__exact": str(first.pk),
        "state": "all",
    }
    assert _query(_rows(sections, "channel")["box"].url)[1]["channel__exact"] == "box"
    assert _query(_rows(sections, "language")["kk"].url)[1]["language__exact"] == "kk"
    path, query = _query(_rows(sections, "reception")["no-show"].url)
    assert path.endswith("/admin/reception/booking/")
    assert query == {
        "status__exact": "no_show",
        "slot__starts_at__gte": "2026-12-01 00:00:00+05:00",
        "slot__starts_at__lt": "2027-01-01 00:00:00+05:00",
        "state": "all",
    }


def test_the_list_behind_each_link_lists_what_it_counts(categories, now, client):
    """Followed as a Head, each link opens the appeal or booking list with as many rows as the
    figure counts."""
    _world(categories)
    client.force_login(staff_user("head", "Head"))
    with translation.override("en"):
        sections = statistics_sections(start=date(2026, 12, 1), end=date(2026, 12, 31))
    followed = 0
    for section in sections:
        for row in section.rows:
            if row.key in ("on-time-share", "median"):
                continue  # a share and a median link to the appeals they are taken from
            response = client.get(row.url)
            assert response.status_code == 200, row.url
            assert response.context["cl"].result_count == row.count, (section.key, row.key)
            followed += 1
    assert followed > 20


def test_page_shows_charts_and_linked_figures(categories, now, analyst_client):
    _world(categories)
    response = analyst_client.get(PAGE, {"period": "month", "year": "2026", "month": "12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<h2 id="statistics-period">Appeals registered from 01.12.2026 to 31.12.2026</h2>' in html
    )
    for key in ("answers", "kind", "category", "channel", "language", "reception"):
        assert f'<svg xmlns="http://www.w3.org/2000/svg" class="svgchart" id="chart-{key}"' in html
    assert '<title id="chart-answers-title">Answered on time: 50.0%</title>' in html
    assert html.count('role="img"') >= 6
    # CSP: no inline style or script anywhere on the page.
    assert "style=" not in html
    assert not re.search(r"<style[\s>]", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    link = re.search(r'id="stat-answers-late"><a href="([^"]*)">1</a>', html)
    assert link and "answered_on_time__exact=0" in link.group(1)
    assert re.search(r'id="stat-summary-median"><a href="[^"]*">9.5</a>', html)


def test_no_personal_data_on_the_page_or_in_the_file(categories, now, analyst_client):
    _world(categories)
    for url in (PAGE, EXPORT):
        text = analyst_client.get(url).content.decode("utf-8-sig")
        assert NAME not in text
        assert VALID_IIN not in text
        assert "aigerim@example.kz" not in text
        assert "A-2026-" not in text


# --- Charts -----------------------------------------------------------------------------------


def test_bar_chart_is_an_accessible_image_without_style():
    svg = str(
        bar_chart(
            chart_id="chart-x",
            title="Appeals <by> kind",
            bars=[Bar("<script>alert(1)</script>", 3), Bar("B " * 30, 6, "bad"), Bar("C", 0)],
        )
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="svgchart" id="chart-x"')
    assert 'role="img" aria-labelledby="chart-x-title chart-x-desc"' in svg
    assert '<title id="chart-x-title">Appeals &lt;by&gt; kind</title>' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style" not in svg
    # The largest value fills the bar area; the others in proportion; zero is empty.
    widths = re.findall(r'<rect class="svgchart-bar[^"]*" x="200" y="\d+" width="([\d.]+)"', svg)
    assert [float(w) for w in widths] == [110.0, 220.0, 0.0]
    assert 'class="svgchart-bar svgchart-bar-bad"' in svg
    # A long label is shortened in the picture, kept whole in the description.
    assert ">B B B B B B B B B B B…</text>" in svg
    assert ("B " * 30).strip() + ": 6" in svg


def test_chart_styles_are_in_the_admin_stylesheet():
    """The charts draw in colours of static/css/admin-portal.css (never inline styles)."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/admin-portal.css")).read_text(encoding="utf-8")
    for rule in (".svgchart {", ".svgchart-bar {", ".svgchart-bar-bad {", ".statistics-grid {"):
        assert rule in css


def test_bar_chart_refuses_negative_values_and_is_empty_without_bars():
    assert bar_chart(chart_id="c", title="t", bars=[]) == ""
    with pytest.raises(ValueError):
        bar_chart(chart_id="c", title="t", bars=[Bar("a", -1)])


# --- Export -----------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def test_export_is_the_table_of_the_period(categories, now, analyst_client):
    _world(categories)
    first, _second = categories
    first.name_en = '=HYPERLINK("http://evil")'
    first.save()
    response = analyst_client.get(EXPORT, {"period": "month", "year": "2026", "month": "12"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="appeal-statistics-20261201-20261231.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["Section", "Line", "Value", "Share, %"]
    assert rows[1] == ["Period", "", "01.12.2026 – 31.12.2026", ""]
    assert ["Appeals registered in the period", "All appeals", "4", ""] in rows
    assert ["Appeals registered in the period", "Median working days to answer", "9.5", ""] in rows
    assert ["Answers on time and late", "Late", "1", "50.0"] in rows
    assert ["Personal reception", "No-shows", "1", "33.3"] in rows
    # A category name that a spreadsheet would run as a formula is written as text.
    assert ["By category", '\'=HYPERLINK("http://evil")', "2", "50.0"] in rows


def test_export_of_an_invalid_period_goes_back_to_the_page(analyst_client, now):
    response = analyst_client.get(EXPORT, {"period": "custom", "start": "2026-12-10"})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?period=custom&start=2026-12-10"


def test_page_links_the_export_of_the_same_period(analyst_client, now):
    html = analyst_client.get(PAGE, {"period": "quarter", "year": "2026", "quarter": "3"}).content
    assert f'href="{EXPORT}?start=2026-07-01&amp;end=2026-09-30&amp;period=custom"' in html.decode()


# --- Access and cost --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "status"), [("Analyst", 200), ("Head", 200), ("Registrar", 403), ("Executor", 403)]
)
def test_who_may_see_the_statistics(client, now, group, status):
    client.force_login(staff_user("someone", group))
    assert client.get(PAGE).status_code == status
    assert client.get(EXPORT).status_code == status


def test_page_query_count_is_constant_in_rows(categories, now, analyst_client, query_count):
    first, second = categories

    def grow(n):
        for i in range(n):
            AppealFactory(
                category=first if i % 2 else second,
                kind=enums.Kind.values[i % 3],
                registration_date=date(2026, 12, 1 + i % 20),
                status=enums.Status.ANSWERED if i % 3 else enums.Status.IN_WORK,
                answered_at=at(date(2026, 12, 22)) if i % 3 else None,
                answered_on_time=bool(i % 2) if i % 3 else None,
            )
            _booking(
                date(2026, 12, 2 + i % 20),
                Booking.Status.ATTENDED,
                100 + len(Booking.objects.all()),
            )

    query = {"period": "year", "year": "2026"}
    grow(2)
    small, response = query_count(lambda: analyst_client.get(PAGE, query))
    assert response.status_code == 200
    grow(10)
    large, response = query_count(lambda: analyst_client.get(PAGE, query))
    assert response.status_code == 200
    assert large == small
