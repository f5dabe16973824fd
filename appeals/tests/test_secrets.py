"""No access code at rest: not in the database (sessions included), the outbox, the logs or a
staff page; the receipt and the talon show it from their own sealed cookie for a while."""

import logging
import re
import time
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client

from appeals import services
from appeals.models import Appeal
from appeals.tests.test_admin import URL as ADMIN_URL
from appeals.tests.test_admin import login, registration
from appeals.tests.test_views import form_data
from notifications.models import Notification
from notifications.rendering import render_message

pytestmark = pytest.mark.django_db
CODE = re.compile(r'id="access-code">([A-Z0-9-]+)<')


def code_on(response) -> str | None:
    found = CODE.search(response.content.decode())
    return found.group(1) if found else None


def spellings(code: str) -> set[str]:
    """Every way the code could have been written down."""
    plain = code.replace("-", "")
    return {code, plain, code.lower(), plain.lower()}


def everything_stored() -> str:
    """Every row of every table, with sessions decoded (their data is encoded at rest) and every
    outbox row rendered as staff see it."""
    chunks = [repr(row) for model in apps.get_models() for row in model._base_manager.values_list()]
    chunks += [repr(session.get_decoded()) for session in Session.objects.all()]
    for row in Notification.objects.all():
        message = render_message(
            event=row.event,
            language=row.language,
            context=row.context,
            channel=row.channel,
            redact=True,
        )
        chunks += [message.subject, message.text, message.html, message.sms]
    return "\n".join(chunks)


def test_web_submission_leaves_no_access_code_at_rest_or_in_logs(
    client, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ru/appeals/new/", form_data())
    code = code_on(client.get(response["Location"]))
    assert code_on(client.get(response["Location"])) == code  # reloaded
    appeal = Appeal.objects.get()
    # A submission writes no session; following from the receipt's link writes one, which
    # holds which appeal to follow (and no code).
    assert Session.objects.count() == 0
    client.get(f"{response['Location']}?follow=1")
    assert Session.objects.count() == 1
    assert Notification.objects.get().status == Notification.Status.SENT
    stored = everything_stored()
    assert appeal.number in stored
    assert [s for s in spellings(code) if s in stored] == []
    assert [s for s in spellings(code) if s in caplog.text] == []
    assert [s for s in spellings(code) if s in mailoutbox[0].body] == []
    # ... and yet the code is the appeal's code.
    tracked = Client().post("/ru/appeals/track/", {"number": appeal.number, "code": code})
    assert tracked["Location"] == f"/ru/appeals/track/{appeal.number}/"


def test_receipt_cookie_is_sealed_and_sent_only_to_the_receipt_pages(client, settings):
    response = client.post("/en/appeals/new/", form_data())
    cookies = {name: response.cookies[name] for name in response.cookies if "receipt" in name}
    assert {name: c["path"] for name, c in cookies.items()} == {
        "pkop_receipt_kk": "/kk/appeals/receipt/",
        "pkop_receipt_ru": "/ru/appeals/receipt/",
        "pkop_receipt_en": "/en/appeals/receipt/",
        "pkop_receipt_zh-hans": "/zh-hans/appeals/receipt/",
    }
    cookie = cookies["pkop_receipt_en"]
    assert (cookie["httponly"], cookie["samesite"], cookie["secure"]) == (
        True,
        "Lax",
        settings.SECURE_COOKIES,
    )
    assert cookie["max-age"] == settings.APPEALS_RECEIPT_SECONDS
    code = code_on(client.get("/en/appeals/receipt/"))
    assert [s for s in spellings(code) if s in cookie.value] == []
    # The receipt in another language (the language switcher) shows the same code.
    assert code_on(client.get("/kk/appeals/receipt/")) == code


def test_receipt_shows_the_code_for_at_least_ten_minutes_and_then_no_longer(client, settings):
    assert 600 <= settings.APPEALS_RECEIPT_SECONDS <= 1800
    start = time.time()
    client.post("/ru/appeals/new/", form_data())
    code = code_on(client.get("/ru/appeals/receipt/"))
    assert code is not None
    with mock.patch("time.time", return_value=start + 600):
        assert code_on(client.get("/ru/appeals/receipt/")) == code
    with mock.patch("time.time", return_value=start + settings.APPEALS_RECEIPT_SECONDS + 2):
        late = client.get("/ru/appeals/receipt/")
    assert late["Location"] == "/ru/appeals/track/"


def test_altered_receipt_cookie_shows_nothing(client):
    client.post("/ru/appeals/new/", form_data())
    value = client.cookies["pkop_receipt_ru"].value
    client.cookies["pkop_receipt_ru"] = value[:-6] + ("A" * 6 if value[-6:] != "A" * 6 else "B" * 6)
    assert client.get("/ru/appeals/receipt/")["Location"] == "/ru/appeals/track/"


def test_receipt_stops_showing_a_code_that_was_replaced(client):
    client.post("/ru/appeals/new/", form_data())
    assert code_on(client.get("/ru/appeals/receipt/")) is not None
    services.appeal_code_reissue(appeal_id=Appeal.objects.get().pk)
    assert client.get("/ru/appeals/receipt/")["Location"] == "/ru/appeals/track/"


def test_staff_talon_reloads_for_its_officer_only_without_a_server_copy(client, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, "registrar", "Registrar")
    response = client.post(ADMIN_URL + "add/", registration(email="erlan@example.kz"))
    assert response["Location"] == ADMIN_URL + "talon/"
    assert response.cookies["pkop_talon_en"]["path"] == ADMIN_URL + "talon/"
    first = client.get(ADMIN_URL + "talon/")
    code = code_on(first)
    assert Appeal.objects.get().number in first.content.decode()
    assert code_on(client.get(ADMIN_URL + "talon/")) == code
    stored = everything_stored()
    assert [s for s in spellings(code) if s in stored] == []
    assert [s for s in spellings(code) if s in caplog.text] == []
    # Another officer signing in on the same computer does not see it.
    login(client, "registrar2", "Registrar")
    other = client.get(ADMIN_URL + "talon/")
    assert other["Location"] == ADMIN_URL
