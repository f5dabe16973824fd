"""The Compliance statistics page of the admin and the report list's investigator filter."""

import html
import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.template.defaultfilters import floatformat
from django.utils import translation

from appeals.tests.factories import staff_user
from hotline import deadlines, enums
from hotline.admin import InvestigatorFilter
from hotline.models import AccessLog
from hotline.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
S = enums.Status
C = enums.Category
URL = "/ru/admin/hotline/report/statistics/"
LIST = "/ru/admin/hotline/report/"
OUTSIDE_GROUPS = [
    "Registrar",
    "Executor",
    "Head",
    "Reception secretary",
    "Charity committee",
    "Charity officer",
    "Analyst",
]


def at(*args):
    return datetime(*args, tzinfo=ALMATY)


def report(received, *, acknowledged=None, concluded=None, **kwargs):
    fields = {"received_at": received, "acknowledge_due": deadlines.acknowledge_due_for(received)}
    if acknowledged:
        fields.update(
            acknowledged_at=acknowledged,
            feedback_due=deadlines.feedback_due_for(acknowledged),
            status=S.ACKNOWLEDGED,
        )
    if concluded:
        fields.update(
            concluded_at=concluded, status=S.CONCLUDED, conclusion=enums.Conclusion.SUBSTANTIATED
        )
    return ReportFactory(**fields, **kwargs)


def cell(page: str, cell_id: str) -> str:
    """The text of the element with `cell_id` (tags removed, entities decoded)."""
    found = re.search(rf'<td id="{re.escape(cell_id)}">(.*?)</td>', page, re.S)
    assert found, cell_id
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def link(page: str, cell_id: str) -> str:
    found = re.search(rf'<td id="{re.escape(cell_id)}"><a href="([^"]+)">', page)
    assert found, cell_id
    return html.unescape(found.group(1))


def ru(value, arg) -> str:
    with translation.override("ru"):
        return str(floatformat(value, arg))


@pytest.fixture
def officer(client):
    user = staff_user("officer", "Compliance officer")
    client.force_login(user)
    return user


@pytest.fixture
def known(clock, officer):
    """The reports of the statistics test (hotline/tests/test_stats.py) on 30 June 2026."""
    clock.set(at(2026, 6, 30, 12))
    report(at(2026, 1, 1, 10), acknowledged=at(2026, 1, 8, 23), concluded=at(2026, 4, 8, 9))
    report(at(2026, 1, 1, 10), acknowledged=at(2026, 1, 9, 1), concluded=at(2026, 4, 10, 9),
           category=C.FRAUD)  # fmt: skip
    report(at(2026, 2, 1, 10), acknowledged=at(2026, 2, 3, 10), category=C.FRAUD)  # feedback late
    report(at(2026, 6, 28, 10))  # acknowledgement not yet due: not counted
    report(at(2026, 3, 1, 10))  # never acknowledged, overdue
    report(at(2025, 12, 31, 23, 59))  # outside the period
    hidden = report(at(2026, 3, 1, 10), category=C.HARASSMENT)
    hidden.excluded_officers.add(officer)


def test_the_page_shows_the_numbers_of_a_known_set_of_reports(client, known, officer):
    response = client.get(URL, {"period": "custom", "start": "2026-01-01", "end": "2026-06-30"})
    assert response.status_code == 200
    page = response.content.decode()

    assert cell(page, "stat-total") == "5"  # the excluded report is not counted for this officer
    assert cell(page, "stat-category-corruption") == "3"
    assert cell(page, "stat-category-fraud") == "2"
    assert cell(page, "stat-category-harassment") == "0"
    assert cell(page, "stat-status-received") == "2"
    assert cell(page, "stat-status-acknowledged") == "1"
    assert cell(page, "stat-status-concluded") == "2"
    assert cell(page, "stat-status-closed") == "0"
    # Acknowledged after 7, 8 and 2 days; concluded after 97 and 99 days.
    assert cell(page, "stat-acknowledge-count") == "3"
    assert cell(page, "stat-acknowledge-average") == ru(5.7, 1)
    assert cell(page, "stat-acknowledge-median") == "7"
    assert cell(page, "stat-conclude-count") == "2"
    assert cell(page, "stat-conclude-average") == ru(98.0, 1)
    assert cell(page, "stat-conclude-median") == "98"
    # Acknowledgement: 2 of 4 on time (one overdue and never acknowledged).
    assert cell(page, "stat-acknowledgement-on-time") == "2"
    assert cell(page, "stat-acknowledgement-counted") == "4"
    assert cell(page, "stat-acknowledgement-share") == "50 %"
    # Feedback: 1 of 3 (one late, one overdue and open).
    assert cell(page, "stat-feedback-on-time") == "1"
    assert cell(page, "stat-feedback-counted") == "3"
    assert cell(page, "stat-feedback-share") == f"{ru(33.3, '-1')} %"
    assert 'id="hotline-statistics-errors"' not in page
    # Server-rendered: no inline script or style (CSP).
    assert " style=" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


def test_the_numbers_link_to_the_report_list_filtered_the_same_way(client, known):
    page = client.get(
        URL, {"period": "custom", "start": "2026-01-01", "end": "2026-06-30"}
    ).content.decode()
    fraud = link(page, "stat-category-fraud")
    assert "category=fraud" in fraud
    listed = client.get(fraud)
    assert listed.status_code == 200
    rows = listed.context["cl"].result_list
    assert len(rows) == 2 and {r.category for r in rows} == {C.FRAUD}

    received = client.get(link(page, "stat-status-received")).context["cl"].result_list
    assert {r.status for r in received} == {S.RECEIVED} and len(received) == 2

    total = client.get(link(page, "stat-total")).context["cl"].result_list
    assert len(total) == 5  # not the report of 31.12.2025, not the excluded one
    assert urlsplit(fraud).path == LIST


def test_the_default_period_is_this_year(client, known):
    response = client.get(URL)
    page = response.content.decode()
    assert response.context["stats"].start.isoformat() == "2026-01-01"
    assert response.context["stats"].end.isoformat() == "2026-12-31"
    assert cell(page, "stat-total") == "5"
    log = AccessLog.objects.get()
    assert log.detail == "01.01.2026–31.12.2026"


@pytest.mark.parametrize(
    ("query", "start", "end", "total"),
    [
        ({"period": "year", "year": "2025"}, "2025-01-01", "2025-12-31", 1),
        ({"period": "month", "year": "2026", "month": "3"}, "2026-03-01", "2026-03-31", 1),
        ({"period": "month", "year": "2026", "month": "2"}, "2026-02-01", "2026-02-28", 1),
        ({"period": "quarter", "year": "2026", "quarter": "1"}, "2026-01-01", "2026-03-31", 4),
        ({"period": "quarter", "year": "2026", "quarter": "2"}, "2026-04-01", "2026-06-30", 1),
        ({"period": "quarter", "year": "2025", "quarter": "4"}, "2025-10-01", "2025-12-31", 1),
        ({"period": "month"}, "2026-06-01", "2026-06-30", 1),  # this month by default
        ({"period": "custom", "start": "2025-12-31", "end": "2026-01-01"}, "2025-12-31",
         "2026-01-01", 3),
    ],
)  # fmt: skip
def test_the_period_selector(client, known, query, start, end, total):
    response = client.get(URL, query)
    stats = response.context["stats"]
    assert (stats.start.isoformat(), stats.end.isoformat()) == (start, end)
    assert cell(response.content.decode(), "stat-total") == str(total)


def test_the_period_boundaries_are_local_days(client, clock, officer):
    clock.set(at(2026, 6, 30, 12))
    report(at(2026, 3, 31, 23, 59))
    report(at(2026, 4, 1, 0, 0))
    q1 = client.get(URL, {"period": "quarter", "year": "2026", "quarter": "1"}).content.decode()
    q2 = client.get(URL, {"period": "quarter", "year": "2026", "quarter": "2"}).content.decode()
    assert cell(q1, "stat-total") == "1"
    assert cell(q2, "stat-total") == "1"


@pytest.mark.parametrize(
    "query",
    [
        {"period": "custom", "start": "2026-02-01", "end": "2026-01-31"},  # end before start
        {"period": "custom", "start": "2026-02-01"},  # no end
        {"period": "custom", "start": "1999-12-31", "end": "2026-01-31"},
        {"period": "custom", "start": "2026-01-01", "end": "9999-12-31"},
        {"period": "year", "year": "99999"},
        {"period": "month", "year": "2026", "month": "13"},
        {"period": "week"},
        {"period": "custom", "start": "31.02.2026", "end": "2026-03-01"},
    ],
)
def test_an_invalid_period_shows_errors_and_no_figures(client, known, officer, query):
    response = client.get(URL, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="hotline-statistics-errors"' in page
    assert 'id="stat-total"' not in page
    assert response.context["stats"] is None
    log = AccessLog.objects.get()  # the view is logged all the same
    assert log.action == enums.AccessAction.STATISTICS and log.user == officer
    assert log.detail.startswith("invalid period")


def test_a_valid_custom_period_of_one_day(client, known):
    page = client.get(
        URL, {"period": "custom", "start": "2026-03-01", "end": "2026-03-01"}
    ).content.decode()
    assert cell(page, "stat-total") == "1"  # the excluded report of the same day not counted


@pytest.mark.parametrize("who", ["Compliance officer", "Compliance head", "superuser in it"])
def test_compliance_sees_the_page_and_every_view_is_logged(client, who):
    if who == "superuser in it":
        user = get_user_model().objects.create_superuser("croot", "croot@example.kz", "x")
        user.groups.add(Group.objects.get(name="Compliance officer"))
    else:
        user = staff_user("member", who)
    client.force_login(user)
    ReportFactory()
    for expected in (1, 2):
        response = client.get(URL)
        assert response.status_code == 200
        assert cell(response.content.decode(), "stat-total") == "1"
        assert AccessLog.objects.count() == expected
    log = AccessLog.objects.order_by("id").last()
    assert log.action == enums.AccessAction.STATISTICS
    assert log.user_id == user.pk and log.report is None


@pytest.mark.parametrize("who", [*OUTSIDE_GROUPS, "superuser"])
def test_outside_compliance_the_page_is_a_404(client, who):
    if who == "superuser":
        user = get_user_model().objects.create_superuser("root", "root@example.kz", "x")
    else:
        user = staff_user(who.lower().replace(" ", "_"), who)
    client.force_login(user)
    ReportFactory()
    for query in ({}, {"period": "year", "year": "2026"}, {"period": "custom", "start": "x"}):
        response = client.get(URL, query)
        assert response.status_code == 404, (who, query)
        assert 'id="hotline-statistics"' not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not AccessLog.objects.exists()


def test_the_report_list_links_to_the_statistics(client, officer):
    page = client.get(LIST).content.decode()
    assert f'href="{URL}" id="hotline-statistics-link"' in page


def test_the_page_costs_the_same_queries_for_one_or_many_reports(client, officer, query_count):
    ReportFactory()
    one, response = query_count(lambda: client.get(URL))
    assert cell(response.content.decode(), "stat-total") == "1"
    for category in (C.FRAUD, C.SAFETY, C.OTHER):
        ReportFactory(category=category, status=S.ACKNOWLEDGED)
        ReportFactory(category=category, investigator=officer)
    many, response = query_count(lambda: client.get(URL))
    assert cell(response.content.decode(), "stat-total") == "7"
    assert one == many


# --- the investigator filter of the report list --------------------------------------------


def investigator_choices(response) -> dict[str, str]:
    spec = next(s for s in response.context["cl"].filter_specs if isinstance(s, InvestigatorFilter))
    return {str(value): str(label) for value, label in spec.lookup_choices}


def test_the_investigator_filter_offers_only_compliance_staff(client, officer):
    head = staff_user("chief", "Compliance head")
    executor = staff_user("executor", "Executor")
    former = staff_user("former", "Compliance officer")
    former.is_active = False
    former.save()
    choices = investigator_choices(client.get(LIST))
    assert set(choices) == {str(officer.pk), str(head.pk), InvestigatorFilter.NONE}
    assert choices[str(head.pk)] == "Chief"
    assert str(executor.pk) not in choices


def test_the_investigator_filter_filters(client, officer):
    head = staff_user("chief", "Compliance head")
    mine = ReportFactory(investigator=officer)
    theirs = ReportFactory(investigator=head)
    nobody = ReportFactory()

    def listed(value):
        response = client.get(LIST, {"investigator": value})
        assert response.status_code == 200
        return {r.pk for r in response.context["cl"].result_list}

    assert listed(str(officer.pk)) == {mine.pk}
    assert listed(str(head.pk)) == {theirs.pk}
    assert listed("none") == {nobody.pk}
    assert listed("x1") == set()
    assert listed("99999999999999999999") == set()
    assert {r.pk for r in client.get(LIST).context["cl"].result_list} == {
        mine.pk,
        theirs.pk,
        nobody.pk,
    }
