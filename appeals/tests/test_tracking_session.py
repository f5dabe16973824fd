"""The tracking session ends: "Finish and leave" (a shared computer) and after
TRACKING_IDLE_SECONDS without opening a followed appeal or request (pkop_portal.tracking)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from appeals.tests.factories import AppealFactory
from charity.tests.factories import CharityRequestFactory

pytestmark = pytest.mark.django_db
CODE = "ABCD2345EFGH"  # the factories' code
START = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def tr(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


def login(client, record, lang="en", app="appeals"):
    response = client.post(f"/{lang}/{app}/track/", {"number": record.number, "code": CODE})
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en", "zh-hans"])
def test_finish_and_leave_ends_the_appeal_tracking_session(client, lang):
    appeal = AppealFactory()
    detail = login(client, appeal, lang)
    page = client.get(detail)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'action="/{lang}/appeals/track/finished/"' in html
    assert tr("Finish and leave", lang) in html
    old_session = client.session.session_key

    finished = client.post(f"/{lang}/appeals/track/finished/")
    assert finished["Location"] == f"/{lang}/appeals/track/finished/"
    landing = client.get(finished["Location"]).content.decode()
    assert tr("You have finished", lang) in landing
    assert client.session.session_key != old_session
    assert "appeals.tracked" not in client.session
    assert client.get(detail)["Location"] == f"/{lang}/appeals/track/?number={appeal.number}"


def test_finish_and_leave_ends_the_charity_tracking_session_too(client):
    charity_request = CharityRequestFactory()
    appeal = AppealFactory()
    charity_detail = login(client, charity_request, app="charity")
    appeal_detail = login(client, appeal)
    html = client.get(charity_detail).content.decode()
    assert 'action="/en/charity/track/finished/"' in html

    finished = client.post("/en/charity/track/finished/")
    assert finished["Location"] == "/en/charity/track/finished/"
    assert "You have finished" in client.get(finished["Location"]).content.decode()
    # Both apps' records are forgotten: nothing of this browser's tracking is left.
    assert client.get(charity_detail)["Location"].startswith("/en/charity/track/?number=")
    assert client.get(appeal_detail)["Location"].startswith("/en/appeals/track/?number=")


def test_finish_and_leave_needs_a_post_with_the_csrf_token():
    appeal = AppealFactory()
    client = Client(enforce_csrf_checks=True)
    page = client.get("/en/appeals/track/")
    token = page.cookies["csrftoken"].value
    detail = client.post(
        "/en/appeals/track/",
        {"number": appeal.number, "code": CODE, "csrfmiddlewaretoken": token},
    )["Location"]
    assert client.post("/en/appeals/track/finished/").status_code == 403
    # A GET only shows the page: the session is not ended by a link or a prefetch.
    assert client.get("/en/appeals/track/finished/").status_code == 200
    assert client.get(detail).status_code == 200
    left = client.post("/en/appeals/track/finished/", {"csrfmiddlewaretoken": token})
    assert left.status_code == 302
    assert client.get(detail).status_code == 302


def test_tracking_expires_after_an_hour_without_activity(client, clock, settings):
    assert settings.TRACKING_IDLE_SECONDS == 3600
    appeal = AppealFactory()
    clock.set(START)
    detail = login(client, appeal)
    # Each visit within the hour keeps the session going.
    clock.set(START + timedelta(minutes=59))
    assert client.get(detail).status_code == 200
    clock.set(START + timedelta(minutes=118))
    assert client.get(detail).status_code == 200
    # More than an hour after the last visit: the browser has forgotten the appeal.
    clock.set(START + timedelta(minutes=118, seconds=3601))
    assert client.get(detail)["Location"] == f"/en/appeals/track/?number={appeal.number}"
    assert "appeals.tracked" not in client.session
    # The number and code open it again.
    assert client.get(login(client, appeal)).status_code == 200


def test_the_idle_limit_is_a_setting(client, clock, settings):
    settings.TRACKING_IDLE_SECONDS = 60
    charity_request = CharityRequestFactory()
    clock.set(START)
    detail = login(client, charity_request, app="charity")
    clock.set(START + timedelta(seconds=60))
    assert client.get(detail).status_code == 200
    clock.set(START + timedelta(seconds=121))
    assert client.get(detail).status_code == 302
