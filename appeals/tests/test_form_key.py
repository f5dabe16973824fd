"""One appeal per filled form: the one-time form key (pkop_portal.forms.FormKeyField)."""

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from appeals import services
from appeals.models import Appeal
from appeals.tests.test_admin import URL as ADMIN_URL
from appeals.tests.test_admin import login, registration
from appeals.tests.test_secrets import code_on
from appeals.tests.test_services import appeal_input
from appeals.tests.test_views import form_data
from notifications.models import Notification
from pkop_portal import keys
from pkop_portal.consent import Consent, consent_text_current
from pkop_portal.forms import new_form_key

pytestmark = pytest.mark.django_db


def test_form_page_carries_a_fresh_hidden_form_key(client):
    first = client.get("/ru/appeals/new/").content.decode()
    second = client.get("/ru/appeals/new/").content.decode()
    pattern = r'<input type="hidden" name="form_key" value="([A-Za-z0-9_-]{32})"'
    assert re.search(pattern, first).group(1) != re.search(pattern, second).group(1)


def test_double_post_makes_one_appeal_and_both_receipts_show_the_same_code(client):
    data = form_data()
    first = client.post("/ru/appeals/new/", data)
    first_code = code_on(client.get(first["Location"]))
    # The second click's answer arrives in another tab (or after the cookie is gone).
    other_tab = Client()
    second = other_tab.post("/ru/appeals/new/", data)
    assert first["Location"] == second["Location"] == "/ru/appeals/receipt/"
    assert code_on(other_tab.get(second["Location"])) == first_code
    appeal = Appeal.objects.get()
    assert Notification.objects.filter(event="appeal.registered").count() == 1
    # Only a keyed hash of the key is stored, under the current key.
    assert data["form_key"] not in appeal.form_key_hash
    assert appeal.form_key_hash == keys.keyed_hash(services.FORM_KEY_PURPOSE, data["form_key"])


def test_a_different_form_key_makes_a_second_appeal(client):
    data = form_data()
    client.post("/ru/appeals/new/", data)
    first_code = code_on(client.get("/ru/appeals/receipt/"))
    client.post("/ru/appeals/new/", {**data, "form_key": new_form_key()})
    assert Appeal.objects.count() == 2
    assert code_on(client.get("/ru/appeals/receipt/")) != first_code


@pytest.mark.parametrize(
    "form_key",
    ["", "short", "x" * 65, "bad key with spaces and more than 16"],
)
def test_a_missing_or_bad_form_key_is_a_form_error(client, form_key):
    response = client.post("/ru/appeals/new/", form_data(form_key=form_key))
    assert response.status_code == 400
    with translation.override("ru"):
        expected = gettext("This form has expired. Please fill it in again.")
    assert expected in response.content.decode()
    assert Appeal.objects.count() == 0


def test_resent_form_after_a_new_code_was_requested_shows_no_stale_code(client):
    data = form_data()
    client.post("/ru/appeals/new/", data)
    services.appeal_code_reissue(appeal_id=Appeal.objects.get().pk)
    again = services.appeal_get_submitted(form_key=data["form_key"])
    assert (again.appeal, again.access_code, again.created) == (Appeal.objects.get(), None, False)
    other_tab = Client()
    response = other_tab.post("/ru/appeals/new/", data)
    assert Appeal.objects.count() == 1
    assert other_tab.get(response["Location"])["Location"] == "/ru/appeals/track/"


def test_staff_registration_sent_twice_registers_once_and_shows_one_talon(client):
    login(client, "registrar", "Registrar")
    data = registration(email="erlan@example.kz")
    first = client.post(ADMIN_URL + "add/", data)
    code = code_on(client.get(first["Location"]))
    second = client.post(ADMIN_URL + "add/", data)
    assert second["Location"] == ADMIN_URL + "talon/"
    assert code_on(client.get(second["Location"])) == code
    assert Appeal.objects.count() == 1


def test_staff_registration_page_renders_the_key_hidden(client):
    login(client, "registrar", "Registrar")
    html = client.get(ADMIN_URL + "add/").content.decode()
    assert re.search(r'<input type="hidden" name="form_key" value="[A-Za-z0-9_-]{32}"', html)
    assert "Form key" not in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_posts_of_one_form_make_one_appeal_and_one_message(race, settings):
    settings.APPEALS_SUBMIT_RATE = "1000/h"
    data = form_data()
    clients = [Client() for _ in range(10)]
    outcome = race([lambda c=c: (c, c.post("/ru/appeals/new/", data)) for c in clients])
    assert outcome.errors == []
    assert [r["Location"] for _c, r in outcome.results] == ["/ru/appeals/receipt/"] * 10
    codes = {code_on(c.get("/ru/appeals/receipt/")) for c, _r in outcome.results}
    assert len(codes) == 1 and None not in codes
    assert Appeal.objects.count() == 1
    assert Notification.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_service_calls_with_one_key_return_one_appeal(race):
    """The service alone, through the lock-then-recheck path (no view in between)."""
    key = new_form_key()
    outcome = race(
        [
            lambda: services.appeal_submit(
                data=appeal_input(),
                consent=Consent(text=consent_text_current(purpose="appeal"), ip="10.0.0.1"),
                form_key=key,
            )
            for _ in range(10)
        ]
    )
    assert outcome.errors == []
    assert len({r.appeal.pk for r in outcome.results}) == 1
    assert sorted(r.created for r in outcome.results) == [False] * 9 + [True]
    assert len({r.access_code for r in outcome.results}) == 1
    assert Appeal.objects.count() == 1
