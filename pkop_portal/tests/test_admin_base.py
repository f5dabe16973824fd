"""The list defaults of every admin (pkop_portal.admin_base): no full count, an estimated count
of a big list as first shown (PostgreSQL), a date hierarchy read from its first and last date."""

from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from pkop_portal import admin_base

pytestmark = pytest.mark.django_db
URL = "/en/admin/notifications/notification/"


@pytest.fixture
def root(client):
    client.force_login(User.objects.create_superuser("root", "root@example.kz", "x"))
    return client


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries]


def _created(row, moment: datetime):
    Notification.objects.filter(pk=row.pk).update(created_at=moment.astimezone())


def test_no_list_counts_the_unfiltered_table_a_second_time(root):
    NotificationFactory.create_batch(3)
    response, sql = _get(root, URL + "?status__exact=pending")
    assert response.context["cl"].result_count == 3
    assert response.context["cl"].full_result_count is None
    assert sum('"__count"' in s for s in sql) == 1


@pytest.mark.postgres
def test_a_big_list_as_first_shown_is_not_counted_but_estimated(root, monkeypatch):
    NotificationFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    monkeypatch.setattr(admin_base, "ESTIMATE_COUNT_FROM", 1)

    response, sql = _get(root, URL)
    assert response.context["cl"].paginator.estimated is True
    assert response.context["cl"].result_count >= 1
    assert not any('"__count"' in s for s in sql)

    # A filter or a search chosen by the user is counted exactly.
    response, sql = _get(root, URL + "?q=citizen")
    assert response.context["cl"].paginator.estimated is False
    assert response.context["cl"].result_count == 3
    assert any('"__count"' in s for s in sql)


def test_a_small_list_is_counted_exactly_in_one_statement(root):
    NotificationFactory.create_batch(3)
    response, sql = _get(root, URL)
    assert response.context["cl"].paginator.estimated is False
    assert response.context["cl"].result_count == 3
    assert sum("COUNT(" in s for s in sql) == 1


def test_the_date_hierarchy_reads_the_first_and_last_date_only(root):
    first, last = NotificationFactory.create_batch(2)
    _created(first, datetime(2024, 3, 5, 12))
    _created(last, datetime(2026, 7, 9, 12))
    response, sql = _get(root, URL)
    assert not any("DISTINCT" in s or "DATE_TRUNC" in s.upper() for s in sql)
    assert [c["title"] for c in _choices(response)] == ["2024", "2025", "2026"]


def test_the_date_hierarchy_lists_the_months_between_within_one_year(root):
    first, last = NotificationFactory.create_batch(2)
    _created(first, datetime(2026, 3, 5, 12))
    _created(last, datetime(2026, 5, 9, 12))
    response, _sql = _get(root, URL)
    assert [c["title"] for c in _choices(response)] == ["March 2026", "April 2026", "May 2026"]
    response, _sql = _get(root, URL + "?created_at__year=2026&created_at__month=3")
    assert [c["title"] for c in _choices(response)] == ["March 5"]


def _choices(response) -> list[dict]:
    from django.contrib.admin.templatetags.admin_list import date_hierarchy

    return date_hierarchy(response.context["cl"])["choices"]
