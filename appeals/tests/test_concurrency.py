"""20 simultaneous submissions get 20 distinct consecutive numbers (PostgreSQL row lock)."""

import pytest

from appeals import services
from appeals.models import Appeal
from appeals.tests.test_services import appeal_input
from pkop_portal.consent import Consent
from pkop_portal.models import ConsentText

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_twenty_concurrent_submissions_get_consecutive_numbers(race):
    consent = Consent(text=ConsentText.objects.filter(purpose="appeal").latest(), ip="127.0.0.1")
    data = appeal_input()

    outcome = race([lambda: services.appeal_submit(data=data, consent=consent)] * 20)

    assert outcome.errors == []
    assert len(outcome.results) == 20
    sequences = sorted(Appeal.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 21))
    year = Appeal.objects.first().year
    assert sorted(Appeal.objects.values_list("number", flat=True)) == [
        f"A-{year}-{n:06d}" for n in range(1, 21)
    ]
