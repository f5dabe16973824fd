"""Reference data kept in the process (pkop_portal.refdata): read once, dropped on change here
at once, in another process through the shared version key, and still served (from the
database, with a short lifetime) when Redis is down."""

from datetime import date, timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from pkop_portal import refdata, workdays
from pkop_portal.models import CalendarDay, ConsentText, HotlineLine

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused for real, no mock.
DEAD_REDIS = "redis://127.0.0.1:1/0"


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def new_consent_text(version: str) -> ConsentText:
    return ConsentText.objects.create(
        purpose=ConsentText.Purpose.APPEAL,
        version=version,
        text_kk="kk",
        text_ru="ru",
        text_en="en",
        text_zh_hans="zh",
        valid_from=timezone.now() + timedelta(days=1),
    )


def test_consent_text_is_read_once_then_kept(query_count):
    first, text = query_count(lambda: refdata.consent_text(purpose="appeal"))
    again, same = query_count(lambda: refdata.consent_text(purpose="appeal"), cold=False)
    assert (first, again) == (1, 0)
    assert same is text and text.purpose == "appeal"
    newest = ConsentText.objects.filter(purpose="appeal").order_by("-valid_from", "-pk").first()
    assert text == newest


def test_a_saved_consent_text_is_seen_at_once_in_this_process(query_count):
    refdata.consent_text(purpose="appeal")
    newer = new_consent_text("2099-01")
    assert refdata.consent_text(purpose="appeal") == newer
    newer.delete()
    assert refdata.consent_text(purpose="appeal").version != "2099-01"


def test_calendar_override_changes_the_working_day_at_once():
    saturday = date(2031, 1, 4)
    assert workdays.is_working_day(saturday) is False
    day = CalendarDay.objects.create(date=saturday, is_working=True)
    assert workdays.is_working_day(saturday) is True
    day.delete()
    assert workdays.is_working_day(saturday) is False


def test_hotline_lines_are_the_active_ones_in_order_and_follow_edits(query_count):
    lines = refdata.hotline_lines()
    expected = list(HotlineLine.objects.filter(is_active=True).order_by("position", "id"))
    assert list(lines) == expected and len(lines) == 4
    assert query_count(refdata.hotline_lines, cold=False)[0] == 0
    line = HotlineLine.objects.get(language="en")
    line.is_active = False
    line.save()
    assert [x.language for x in refdata.hotline_lines()] == [
        x.language for x in expected if x.language != "en"
    ]


def test_registered_data_and_memo_are_dropped_when_a_watched_row_changes(query_count):
    loads = []
    getter = refdata.register(
        "tests.lines", load=lambda: loads.append(1) or len(loads), models=[HotlineLine]
    )
    built = []
    assert getter() == 1 and getter() == 1
    assert refdata.memo(("tests", "page"), lambda: built.append(1) or "html") == "html"
    assert refdata.memo(("tests", "page"), lambda: built.append(1) or "other") == "html"
    version = refdata.version()
    HotlineLine.objects.filter(language="kk").get().save()
    assert getter() == 2
    assert refdata.memo(("tests", "page"), lambda: built.append(1) or "rebuilt") == "rebuilt"
    assert refdata.version() != version


def test_a_change_drops_only_the_data_read_from_that_model(query_count):
    refdata.hotline_lines()
    refdata.consent_text(purpose="appeal")
    refdata.memo(("tests", "page"), lambda: "html")
    CalendarDay.objects.create(date=date(2031, 1, 4), is_working=True)
    assert query_count(refdata.hotline_lines, cold=False)[0] == 0
    assert query_count(lambda: refdata.consent_text(purpose="appeal"), cold=False)[0] == 0
    assert refdata.memo(("tests", "page"), lambda: "rebuilt") == "rebuilt"
    assert query_count(refdata.calendar_overrides, cold=False)[0] == 1


def test_another_process_drops_only_what_changed(settings):
    settings.REFDATA_CHECK_SECONDS = 2
    clock = FakeClock()
    other = refdata.Store(clock=clock, always_check=False)
    rows = {"lines": "old lines", "calendar": "old calendar"}
    lines = ("data", "pkop_portal.hotline_lines")
    calendar = ("data", "pkop_portal.calendar")
    assert other.get(lines, lambda: rows["lines"]) == "old lines"
    assert other.get(calendar, lambda: rows["calendar"]) == "old calendar"
    rows = {"lines": "new lines", "calendar": "new calendar"}
    HotlineLine.objects.get(language="kk").save()
    clock.now += 3
    assert other.get(lines, lambda: rows["lines"]) == "new lines"
    assert other.get(calendar, lambda: rows["calendar"]) == "old calendar"


def test_another_process_sees_a_change_within_the_check_interval(settings):
    """Two stores share the cache like two gunicorn workers share Redis; the other one reads
    the version key at most once per REFDATA_CHECK_SECONDS."""
    settings.REFDATA_CHECK_SECONDS = 2
    clock = FakeClock()
    other = refdata.Store(clock=clock, always_check=False)
    rows = ["old"]
    assert other.get("x", lambda: rows[-1]) == "old"
    rows.append("new")
    refdata.store.clear()  # what a post_save in this process does
    clock.now += 1
    assert other.get("x", lambda: rows[-1]) == "old"  # not checked again yet
    clock.now += 1.5
    assert other.get("x", lambda: rows[-1]) == "new"


def test_a_saved_row_bumps_the_shared_version_for_other_processes():
    before = caches["default"].get(refdata.VERSION_KEY)
    refdata.consent_text(purpose="appeal")
    new_consent_text("2099-02")
    after = caches["default"].get(refdata.VERSION_KEY)
    assert after is not None and after != before


def test_kept_data_is_read_again_after_max_age_without_any_signal(settings):
    settings.REFDATA_MAX_AGE = 300
    clock = FakeClock()
    store = refdata.Store(clock=clock, always_check=False)
    rows = ["old"]
    assert store.get("x", lambda: rows[-1]) == "old"
    rows.append("new")  # e.g. QuerySet.update: no signal
    clock.now += 299
    assert store.get("x", lambda: rows[-1]) == "old"
    clock.now += 2
    assert store.get("x", lambda: rows[-1]) == "new"


@pytest.mark.parametrize(
    "backend",
    ["pkop_portal.cache.FailSoftRedisCache", "django.core.cache.backends.redis.RedisCache"],
)
def test_redis_down_still_serves_and_rereads_after_the_outage_ttl(settings, backend):
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.REFDATA_OUTAGE_TTL = 10
    settings.REFDATA_CHECK_SECONDS = 2
    clock = FakeClock()
    store = refdata.Store(clock=clock)
    rows = ["old"]
    assert store.get("x", lambda: rows[-1]) == "old"
    store.clear()  # a change here cannot reach the dead cache, and does not raise
    assert store.get("x", lambda: rows[-1]) == "old"
    rows.append("new")
    clock.now += 5
    assert store.get("x", lambda: rows[-1]) == "old"
    clock.now += 6
    assert store.get("x", lambda: rows[-1]) == "new"


def test_the_module_store_works_with_redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    refdata.clear()
    assert refdata.consent_text(purpose="appeal").purpose == "appeal"
    new_consent_text("2099-03")  # the signal's version bump fails softly
    assert refdata.consent_text(purpose="appeal").version == "2099-03"


@pytest.mark.redis
def test_two_processes_on_real_redis_see_each_others_changes(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pkop_portal.cache.FailSoftRedisCache",
            "LOCATION": settings.TEST_REDIS_URL,
        }
    }
    settings.REFDATA_CHECK_SECONDS = 2
    caches["default"].delete(refdata.VERSION_KEY)
    clock = FakeClock()
    one, two = (refdata.Store(clock=clock) for _ in range(2))
    rows = ["old"]
    assert one.get("x", lambda: rows[-1]) == two.get("x", lambda: rows[-1]) == "old"
    rows.append("new")
    one.clear()
    assert one.get("x", lambda: rows[-1]) == "new"
    assert two.get("x", lambda: rows[-1]) == "old"
    clock.now += 2
    assert two.get("x", lambda: rows[-1]) == "new"
    caches["default"].delete(refdata.VERSION_KEY)


def test_a_login_drops_nothing_but_a_real_edit_of_a_user_does(query_count):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import update_last_login

    from appeals.admin import filter_users

    user = get_user_model().objects.create_user(
        "officer", password="pw-Long-enough-1", is_staff=True
    )
    assert [u.username for u in filter_users()] == ["officer"]
    refdata.memo(("tests", "page"), lambda: "html")
    update_last_login(None, user)  # what every login does: save(update_fields=["last_login"])
    assert refdata.memo(("tests", "page"), lambda: "rebuilt") == "html"
    assert query_count(filter_users, cold=False)[0] == 0
    user.first_name = "Асель"
    user.save()
    assert refdata.memo(("tests", "page"), lambda: "rebuilt") == "rebuilt"
    assert [u.first_name for u in filter_users()] == ["Асель"]
