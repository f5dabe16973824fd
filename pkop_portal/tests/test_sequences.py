import pytest
from django.db import transaction

from pkop_portal.models import Sequence
from pkop_portal.sequences import _UPDATE, take_number

pytestmark = pytest.mark.django_db


def test_statement_names_the_sequence_table():
    assert f"UPDATE {Sequence._meta.db_table} " in _UPDATE


def test_numbers_are_consecutive_per_prefix_and_year():
    with transaction.atomic():
        assert take_number(prefix="C", year=2026) == (1, "C-2026-000001")
        assert take_number(prefix="C", year=2026) == (2, "C-2026-000002")
        assert take_number(prefix="H", year=2026) == (1, "H-2026-000001")
        assert take_number(prefix="C", year=2027) == (1, "C-2027-000001")
    assert set(Sequence.objects.values_list("prefix", "year", "last")) == {
        ("C", 2026, 2),
        ("H", 2026, 1),
        ("C", 2027, 1),
    }


def test_a_rolled_back_number_is_given_again():
    with transaction.atomic():
        take_number(prefix="C", year=2026)
    try:
        with transaction.atomic():
            assert take_number(prefix="C", year=2026)[0] == 2
            raise RuntimeError
    except RuntimeError:
        pass
    with transaction.atomic():
        assert take_number(prefix="C", year=2026)[0] == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        take_number(prefix="C", year=2026)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_takers_get_distinct_consecutive_numbers(race):
    def take():
        with transaction.atomic():
            return take_number(prefix="C", year=2026)[0]

    outcome = race([take] * 20)
    assert outcome.errors == []
    assert sorted(outcome.results) == list(range(1, 21))
