"""What one public submission and one form page cost the database (issue 11): the POST runs
no savepoint, takes its number with one statement, writes no session and reads no reference
data again; a warm form page runs no query at all, whatever the amount of data."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appeals.models import Appeal, Category
from appeals.tests.test_views import form_data
from notifications.models import Notification
from notifications.services import Preference, Recipient, notify
from pkop_portal.models import ConsentText

pytestmark = pytest.mark.django_db

FORM_URL = "/ru/appeals/new/"
REFERENCE_TABLES = (
    "pkop_portal_consenttext",
    "appeals_category",
    "pkop_portal_calendarday",
    "pkop_portal_hotlineline",
)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.APPEALS_SUBMIT_RATE = "1000/h"


def savepoints(sqls: list[str]) -> list[str]:
    """The SAVEPOINT statements opened (not released or rolled back)."""
    return [s for s in sqls if s.upper().startswith("SAVEPOINT")]


def captured_post(client, data) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(FORM_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return [q["sql"] for q in queries.captured_queries], response


def statements_touching(sqls: list[str], table: str) -> list[str]:
    return [sql for sql in sqls if table in sql]


def test_submission_runs_no_savepoint_one_number_statement_and_no_session_write(client):
    # The year's first number also creates its sequence row: measure a later submission.
    Client().post(FORM_URL, form_data(), REMOTE_ADDR="10.1.1.1")
    sqls, response = captured_post(client, form_data())
    assert response["Location"] == "/ru/appeals/receipt/"
    # Inside the test's transaction the request's one atomic block is a savepoint (BEGIN in
    # production); the outbox row adds none.
    assert len(savepoints(sqls)) == 1
    number = statements_touching(sqls, "pkop_portal_sequence")
    assert len(number) == 1 and number[0].lstrip().upper().startswith("UPDATE")
    assert statements_touching(sqls, "django_session") == []
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies
    # One appeal, its history row and its outbox row, all in one INSERT each.
    inserts = [s.split('"')[1] for s in sqls if s.upper().startswith("INSERT")]
    assert inserts == ["appeals_appeal", "appeals_appealevent", "notifications_notification"]
    assert Appeal.objects.count() == Notification.objects.count() == 2


def test_second_submission_reads_no_reference_data_again(client):
    client.get(FORM_URL)
    captured_post(client, form_data(phone="+7 701 000 00 01", email="one@example.kz"))
    sqls, _response = captured_post(
        client, form_data(phone="+7 701 000 00 02", email="two@example.kz")
    )
    for table in REFERENCE_TABLES:
        assert statements_touching(sqls, table) == [], table
    assert Appeal.objects.count() == 2


def test_submission_statement_count_is_the_same_with_more_appeals(client):
    captured_post(client, form_data())
    first, _ = captured_post(client, form_data())
    for _ in range(5):
        captured_post(client, form_data())
    later, _ = captured_post(client, form_data())
    assert len(first) == len(later)


def add_categories(count: int) -> None:
    start = Category.objects.count()
    Category.objects.bulk_create(
        Category(
            slug=f"extra-{start + i}",
            name_kk=f"K{i}",
            name_ru=f"Р{i}",
            name_en=f"E{i}",
            name_zh_hans=f"Z{i}",
            position=100 + i,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("extra_categories", [3, 30])
def test_warm_form_page_runs_no_query(client, query_count, extra_categories):
    add_categories(extra_categories)
    cold, response = query_count(lambda: client.get(FORM_URL))
    assert response.status_code == 200
    warm, response = query_count(lambda: client.get(FORM_URL), cold=False)
    assert warm == 0
    assert cold <= 4  # consent text, categories, hotline lines (+ the calendar: none)
    select = re.search(r'<select name="category".*?</select>', response.content.decode(), re.S)
    offered = re.findall(r'<option value="(\d+)"', select.group(0))
    active = Category.objects.filter(is_active=True).order_by("position", "id")
    assert offered == [str(pk) for pk in active.values_list("pk", flat=True)]


def form_key_of(html: str) -> str:
    return re.search(r'name="form_key" value="([A-Za-z0-9_-]+)"', html).group(1)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', html).group(1)


def test_kept_form_page_gets_its_own_form_key_and_a_working_csrf_token():
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [b.get(FORM_URL).content.decode() for b in browsers]
    keys = [form_key_of(page) for page in pages]
    assert len(set(keys)) == 2 and all(len(k) == 32 for k in keys)
    assert "Placeholder" not in pages[0] + pages[1]
    for browser, page in zip(browsers, pages, strict=True):
        data = form_data(form_key=form_key_of(page), csrfmiddlewaretoken=csrf_of(page))
        assert browser.post(FORM_URL, data)["Location"] == "/ru/appeals/receipt/"
    assert Appeal.objects.count() == 2


def test_kept_form_page_is_per_language_and_follows_reference_data(client):
    ru = client.get(FORM_URL).content.decode()
    en = client.get("/en/appeals/new/").content.decode()
    assert '<html lang="ru">' in ru and '<html lang="en">' in en
    category = Category.objects.filter(is_active=True).first()
    assert category.name_ru in ru and category.name_en in en
    category.name_ru = "Новая тема обращений"
    category.save()
    assert "Новая тема обращений" in client.get(FORM_URL).content.decode()
    current = ConsentText.objects.filter(purpose="appeal").order_by("-valid_from").first()
    newer = ConsentText.objects.create(
        purpose="appeal",
        version="2099-09",
        text_kk="kk",
        text_ru="Новый текст согласия",
        text_en="en",
        text_zh_hans="zh",
        valid_from=current.valid_from.replace(year=current.valid_from.year + 1),
    )
    page = client.get(FORM_URL).content.decode()
    assert "Новый текст согласия" in page
    assert f'name="consent_version" value="{newer.version}"' in page


def test_form_page_with_a_query_string_is_rendered_for_it(client):
    client.get(FORM_URL)
    html = client.get(FORM_URL + "?from=home").content.decode()
    assert 'href="/en/appeals/new/?from=home"' in html


def test_receipt_link_lets_the_browser_follow_the_appeal(client):
    response = client.post(FORM_URL, form_data())
    assert Session.objects.count() == 0
    receipt = client.get(response["Location"]).content.decode()
    assert 'href="/ru/appeals/receipt/?follow=1"' in receipt
    appeal = Appeal.objects.get()
    follow = client.get("/ru/appeals/receipt/?follow=1")
    assert follow["Location"] == f"/ru/appeals/track/{appeal.number}/"
    assert Session.objects.count() == 1
    assert client.get(follow["Location"]).status_code == 200


def test_follow_without_a_receipt_cookie_remembers_nothing(client):
    response = client.get("/ru/appeals/receipt/?follow=1")
    assert response["Location"] == "/ru/appeals/track/"
    assert Session.objects.count() == 0


def test_outbox_repeat_creates_nothing_and_returns_the_first_row_without_savepoint():
    to = Recipient(email="a@example.kz", phone="+77011234567", prefers=Preference.BOTH)

    def send():
        return notify(
            event="appeal.registered",
            to=to,
            language="ru",
            context={"number": "A-2026-000001"},
            dedupe_key="test:1",
        )

    with CaptureQueriesContext(connection) as queries:
        first = send()
    sqls = [q["sql"] for q in queries.captured_queries]
    assert savepoints(sqls) == []
    assert len(statements_touching(sqls, "notifications_notification")) == 1
    assert [row.channel for row in first] == ["email", "sms"]
    assert all(row.pk for row in first)
    again = send()
    assert [row.pk for row in again] == [row.pk for row in first]
    assert Notification.objects.count() == 2
    assert first[0].created_at is not None and first[0].status == "pending"


def test_form_resent_after_a_key_rotation_still_makes_one_appeal(client, settings):
    """The unique column holds the hash under the key of its day; after a rotation the old
    key's hash is looked up first, so a resent form still finds its appeal."""
    data = form_data()
    first = client.post(FORM_URL, data)
    code = client.get(first["Location"]).content.decode()
    old = settings.PORTAL_SECRETS_KEY
    settings.PORTAL_SECRETS_KEY = "a-new-secrets-key-after-rotation-0123456789"
    settings.PORTAL_SECRETS_KEY_FALLBACKS = [old]
    again = client.post(FORM_URL, data)
    assert again["Location"] == "/ru/appeals/receipt/"
    assert Appeal.objects.count() == 1
    number = Appeal.objects.get().number
    assert number in code and number in client.get(again["Location"]).content.decode()


# ----- The submitted rows and the repeat check -------------------------------------------------


def test_submitted_appeal_row_is_what_the_orm_would_write(client):
    """Every column of the inserted appeal and history row as Model.save sets them: defaults,
    auto_now timestamps, the phone in E.164, the primary key on the returned instance."""
    from appeals.models import AppealEvent

    data = form_data()
    data["phone"] = "8 701 123 45 67"
    captured_post(client, data)
    appeal = Appeal.objects.get()
    assert appeal.status == "registered" and appeal.created_at and appeal.updated_at
    assert str(appeal.phone) == "+77011234567"
    assert appeal.possible_repeat is False and appeal.consent_id is not None
    event = AppealEvent.objects.get(appeal=appeal)
    assert event.kind == AppealEvent.Kind.REGISTERED and event.new_value == appeal.number
    assert event.at is not None


@pytest.mark.parametrize("same", ["iin", "phone", "both"])
def test_possible_repeat_by_iin_or_phone_in_the_same_category(same):
    import datetime

    from appeals.selectors import appeal_has_possible_repeat
    from appeals.tests.factories import AppealFactory

    appeal = AppealFactory(iin="870101300009", phone="+77011234567")
    day = appeal.registration_date
    args = {"iin": "", "phone": "", "category_id": appeal.category_id}
    if same in ("iin", "both"):
        args["iin"] = "870101300009"
    if same in ("phone", "both"):
        args["phone"] = "+77011234567"
    assert appeal_has_possible_repeat(**args, registration_date=day)
    assert appeal_has_possible_repeat(**args, registration_date=day + datetime.timedelta(365))
    assert not appeal_has_possible_repeat(**args, registration_date=day + datetime.timedelta(366))
    other = Category.objects.exclude(pk=appeal.category_id).first()
    assert not appeal_has_possible_repeat(
        **{**args, "category_id": other.pk}, registration_date=day
    )
    assert not appeal_has_possible_repeat(
        iin="", phone="", category_id=appeal.category_id, registration_date=day
    )
