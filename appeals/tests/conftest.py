"""Fixtures of the appeals tests."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from appeals.tests.factories import staff_user


class Clock:
    """The instant `django.utils.timezone.now()` returns while a test runs."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def set(self, moment: datetime) -> None:
        assert timezone.is_aware(moment), "give the clock an aware datetime"
        # In UTC, as Django's own timezone.now() answers: local dates must be computed.
        utc = moment.astimezone(UTC)
        self._monkeypatch.setattr(timezone, "now", lambda: utc)


@pytest.fixture
def clock(monkeypatch):
    """`clock.set(aware_datetime)`: the portal (services, workdays.local_now, auto_now fields)
    sees that instant. The system clock is the one boundary a deadline test cannot run against,
    so it is the only thing replaced."""
    return Clock(monkeypatch)


@pytest.fixture
def head():
    return staff_user("head", "Head")


@pytest.fixture
def executor():
    return staff_user("executor", "Executor")
