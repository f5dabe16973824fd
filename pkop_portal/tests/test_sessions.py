"""Sessions live in the database and expired ones are deleted daily."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from pkop_portal import tasks
from pkop_portal.celery import app

pytestmark = pytest.mark.django_db


def test_sessions_are_stored_in_the_database_not_in_redis(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_clear_sessions_deletes_expired_sessions_and_keeps_live_ones():
    expired, live = SessionStore(), SessionStore()
    expired["x"], live["x"] = 1, 2
    expired.create()
    live.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    tasks.clear_sessions.run()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    tasks.clear_sessions.run()  # a second run has nothing left to do
    assert Session.objects.count() == 1


def test_clear_sessions_runs_daily_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["portal-clear-sessions"]
    assert entry["task"] == "pkop_portal.clear_sessions" == tasks.clear_sessions.name
    assert "pkop_portal.clear_sessions" in app.tasks
    schedule = entry["schedule"]
    # Once a day, at 03:40 Asia/Almaty.
    assert (schedule.hour, schedule.minute) == ({3}, {40})
    assert schedule.day_of_week == set(range(7))
