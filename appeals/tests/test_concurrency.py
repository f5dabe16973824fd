"""20 simultaneous submissions get 20 distinct consecutive numbers (PostgreSQL row lock)."""

import threading

import pytest
from django.db import connection

from appeals import services
from appeals.models import Appeal
from appeals.tests.test_services import appeal_input
from pkop_portal.models import ConsentText

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_twenty_concurrent_submissions_get_consecutive_numbers():
    consent = ConsentText.objects.get(purpose="appeal")
    data = appeal_input()
    barrier = threading.Barrier(20)
    errors = []

    def submit():
        try:
            barrier.wait(timeout=20)
            services.appeal_submit(data=data, consent=consent, consent_ip="127.0.0.1")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    sequences = sorted(Appeal.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 21))
    year = Appeal.objects.first().year
    assert sorted(Appeal.objects.values_list("number", flat=True)) == [
        f"A-{year}-{n:06d}" for n in range(1, 21)
    ]
