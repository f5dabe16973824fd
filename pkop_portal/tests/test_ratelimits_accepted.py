"""A typo never locks anyone out: the public forms count only accepted submissions against
their rate, forms sent back with errors against a separate, generous one
(pkop_portal.ratelimits.form_limit), and a refused client is told when to try again."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from appeals.models import Appeal
from appeals.tests.factories import VALID_IIN
from appeals.tests.test_views import form_data
from hotline.models import Report
from hotline.tests.test_views import _form as hotline_form
from hotline.tests.test_views import _post as hotline_post
from pkop_portal import ratelimits
from reception.models import Booking
from reception.tests.test_views import form as booking_form
from reception.tests.test_views import slot  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]
OFFICE_IP = "203.0.113.50"


def wait_said(response, lang: str) -> str:
    """The wait the response gives in Retry-After, as the page words it in `lang`."""
    with translation.override(lang):
        return ratelimits.wait_text(int(response["Retry-After"]))


def non_field_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].non_field_errors().as_data()]


# --- the shared helper ----------------------------------------------------------------------


def test_form_limit_counts_accepted_and_rejected_apart():
    request = RequestFactory().post("/", REMOTE_ADDR=OFFICE_IP)
    limit = ratelimits.form_limit(request, group="t.form", rate="2/h", rejected_rate="3/h")
    for _ in range(3):
        limit.rejected()
    assert limit.accepted_wait() == 0
    assert 0 < limit.rejected_wait() <= 3600
    assert limit.wait() == limit.rejected_wait()
    fresh = ratelimits.form_limit(
        RequestFactory().post("/", REMOTE_ADDR="203.0.113.51"),
        group="t.form",
        rate="2/h",
        rejected_rate="3/h",
    )
    fresh.accepted()
    assert fresh.wait() == 0
    fresh.accepted()
    assert 0 < fresh.accepted_wait() <= 3600
    assert fresh.rejected_wait() == 0


def test_form_limit_fails_open_when_the_cache_raises(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    ratelimits.outage.reset()
    request = RequestFactory().post("/", REMOTE_ADDR=OFFICE_IP)
    limit = ratelimits.form_limit(request, group="t.form", rate="1/h", rejected_rate="1/h")
    for _ in range(3):
        limit.accepted()
        limit.rejected()
    assert limit.wait() == 0
    ratelimits.outage.reset()


# --- appeals --------------------------------------------------------------------------------


def test_appeal_typos_never_lock_anyone_out(client, settings):
    settings.APPEALS_SUBMIT_RATE = "1/h"
    for _ in range(6):
        refused = client.post("/ru/appeals/new/", form_data(subject=""))
        assert refused.status_code == 400
        assert "rate_limited" not in non_field_codes(refused)
    assert client.post("/ru/appeals/new/", form_data()).status_code == 302
    assert Appeal.objects.count() == 1


def test_an_office_behind_one_ip_keeps_working_after_many_typos(settings):
    settings.APPEALS_SUBMIT_RATE = "3/h"
    clerks = [Client(REMOTE_ADDR=OFFICE_IP) for _ in range(3)]
    for clerk in clerks:
        for _ in range(4):
            assert clerk.post("/kk/appeals/new/", form_data(iin="123")).status_code == 400
        assert clerk.post("/kk/appeals/new/", form_data()).status_code == 302
    assert Appeal.objects.count() == 3


@pytest.mark.parametrize("lang", LANGS)
def test_over_the_appeal_limit_the_form_comes_back_with_the_wait(client, settings, lang):
    settings.APPEALS_SUBMIT_RATE = "1/h"
    assert client.post(f"/{lang}/appeals/new/", form_data()).status_code == 302
    blocked = client.post(f"/{lang}/appeals/new/", form_data(subject="Қайта жазылған тақырып"))
    assert blocked.status_code == 429
    assert non_field_codes(blocked) == ["rate_limited"]
    html = blocked.content.decode()
    assert "Қайта жазылған тақырып" in html
    message = blocked.context["form"].non_field_errors()[0]
    with translation.override(lang):
        waits = {ratelimits.wait_text(seconds) for seconds in range(60, 3601, 60)}
    assert [wait for wait in waits if wait in message], message
    assert Appeal.objects.count() == 1


def test_a_resent_appeal_over_the_limit_still_gets_its_receipt(client, settings):
    settings.APPEALS_SUBMIT_RATE = "1/h"
    data = form_data()
    assert client.post("/ru/appeals/new/", data).status_code == 302
    again = client.post("/ru/appeals/new/", data)
    assert again.status_code == 302
    assert again["Location"] == "/ru/appeals/receipt/"
    assert Appeal.objects.count() == 1


def test_rejected_appeal_forms_have_their_own_generous_limit(client, settings):
    settings.APPEALS_SUBMIT_REJECTED_RATE = "3/h"
    for _ in range(3):
        assert client.post("/ru/appeals/new/", form_data(subject="")).status_code == 400
    blocked = client.post("/ru/appeals/new/", form_data(subject="Набранный текст"))
    assert blocked.status_code == 429
    assert non_field_codes(blocked) == ["rate_limited"]
    assert "Набранный текст" in blocked.content.decode()
    assert Appeal.objects.count() == 0
    # Another client is not concerned.
    assert Client(REMOTE_ADDR="10.7.7.7").post("/ru/appeals/new/", form_data()).status_code == 302


@pytest.mark.parametrize("lang", LANGS)
def test_lost_code_typos_do_not_count_and_the_429_page_says_when(client, settings, lang):
    settings.APPEALS_CODE_RESEND_RATE = "2/h"
    page = f"/{lang}/appeals/code/"
    for _ in range(5):
        assert client.post(page, {"number": "", "contact": ""}).status_code == 400
    for _ in range(2):
        sent = client.post(page, {"number": "A-2026-999999", "contact": VALID_IIN})
        assert sent.status_code == 302
    limited = client.post(page, {"number": "A-2026-999999", "contact": VALID_IIN})
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 3600
    html = limited.content.decode()
    assert 'id="rate-limit-wait"' in html
    assert wait_said(limited, lang) in html


def test_charity_lost_code_typos_do_not_count(client, settings):
    settings.CHARITY_CODE_RESEND_RATE = "1/h"
    page = "/ru/charity/code/"
    for _ in range(4):
        assert client.post(page, {"number": "", "contact": ""}).status_code == 400
    assert client.post(page, {"number": "C-2026-999999", "contact": VALID_IIN}).status_code == 302
    limited = client.post(page, {"number": "C-2026-999999", "contact": VALID_IIN})
    assert limited.status_code == 429
    assert wait_said(limited, "ru") in limited.content.decode()


@pytest.mark.parametrize("lang", LANGS)
def test_tracking_429_page_says_when_to_try_again(client, settings, lang):
    settings.APPEALS_TRACK_FAILURE_RATE = "1/h"
    client.post(f"/{lang}/appeals/track/", {"number": "A-2026-999999", "code": "WRONG"})
    limited = client.post(f"/{lang}/appeals/track/", {"number": "A-2026-999999", "code": "X"})
    assert limited.status_code == 429
    assert wait_said(limited, lang) in limited.content.decode()


# --- reception and hotline ------------------------------------------------------------------


def test_booking_typos_never_lock_anyone_out(client, slot, settings):  # noqa: F811
    settings.RECEPTION_FORM_RATE = "1/h"
    for _ in range(4):
        data = booking_form(client, slot) | {"iin": "123"}
        assert client.post(f"/ru/reception/slot/{slot.pk}/book/", data).status_code == 400
    done = client.post(f"/ru/reception/slot/{slot.pk}/book/", booking_form(client, slot))
    assert done.status_code == 302
    assert Booking.objects.count() == 1


def test_over_the_booking_limit_the_form_comes_back_with_what_was_typed(client, slot, settings):  # noqa: F811
    settings.RECEPTION_FORM_RATE = "1/h"
    client.post(f"/ru/reception/slot/{slot.pk}/book/", booking_form(client, slot))
    data = booking_form(client, slot) | {"full_name": "Дана Омарова", "iin": "870101300009"}
    blocked = client.post(f"/ru/reception/slot/{slot.pk}/book/", data)
    assert blocked.status_code == 429
    assert non_field_codes(blocked) == ["rate_limited"]
    assert "Дана Омарова" in blocked.content.decode()
    assert Booking.objects.count() == 1


def test_hotline_typos_do_not_count_against_the_report_rate(client, settings):
    settings.HOTLINE_SUBMIT_RATE = "1/h"
    for _ in range(4):
        assert hotline_post(client, hotline_form(description="")).status_code == 400
    assert hotline_post(client, hotline_form()).status_code == 200
    assert Report.objects.count() == 1
