"""The charity lists' search: a registration number full or partial, an IIN (12 digits), each an
index lookup (pkop_portal.admin_search), never a substring scan."""

import pytest
from django.test import Client

from charity.tests import support
from charity.tests.factories import VALID_IIN, CharityRequestFactory

pytestmark = pytest.mark.django_db
REQUESTS = "/en/admin/charity/charityrequest/"


def found(user, term: str) -> list[int]:
    client = Client()
    client.force_login(user)
    response = client.get(REQUESTS, {"q": term})
    assert response.status_code == 200
    return [row.pk for row in response.context["cl"].result_list]


def test_a_request_is_found_by_its_number_written_in_full_or_in_part():
    mine = CharityRequestFactory(year=2026, sequence=123, number="C-2026-000123")
    CharityRequestFactory(year=2026, sequence=1234, number="C-2026-001234")
    officer = support.officer()
    for term in ("C-2026-000123", "c-2026-000123", "2026-123", "000123", "123"):
        assert found(officer, term) == [mine.pk], term
    assert found(officer, "A-2026-000123") == []  # another register's prefix


def test_only_viewers_of_personal_data_find_by_iin():
    mine = CharityRequestFactory()
    assert found(support.officer(), VALID_IIN) == [mine.pk]
    assert found(support.head(), VALID_IIN) == []
    assert found(support.head(), mine.number) == [mine.pk]
