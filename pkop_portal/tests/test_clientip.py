"""The client's IP behind the proxies: the function itself, the rate limits and the admin lock-out.

Requests come through a simulated proxy: REMOTE_ADDR is the proxy's address and each proxy
appends the address it received the request from to X-Forwarded-For.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings

from appeals.models import Appeal
from appeals.tests.test_views import form_data
from pkop_portal.clientip import client_ip
from pkop_portal.forms import new_form_key

PROXY = "10.0.0.1"
CITIZEN_A = "203.0.113.10"
CITIZEN_B = "198.51.100.20"


def ip_of(remote_addr: str | None, forwarded: str | None = None, *, hops: int) -> str | None:
    meta = {"REMOTE_ADDR": remote_addr or ""}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(PROXY_COUNT=hops):
        return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, None, PROXY),
        (0, CITIZEN_A, PROXY),  # no trusted proxy: the header is anyone's to forge
        (1, None, PROXY),  # not through the proxy: the peer itself
        (1, CITIZEN_A, CITIZEN_A),
        (1, f"{CITIZEN_B}, {CITIZEN_A}", CITIZEN_A),  # the leftmost entry is the client's own
        (1, f" {CITIZEN_A} ", CITIZEN_A),
        (2, f"{CITIZEN_A}, 10.0.0.9", CITIZEN_A),
        (2, f"6.6.6.6, {CITIZEN_A}, 10.0.0.9", CITIZEN_A),
        (2, CITIZEN_A, PROXY),  # one entry for two proxies: it did not pass both
        (3, f"{CITIZEN_A}, 10.0.0.9", PROXY),
        (1, "", PROXY),
        (1, "unknown", PROXY),
        (1, f"{CITIZEN_A}:4711", PROXY),  # a port is not an address
        (1, "<script>", PROXY),
        (1, "999.1.1.1", PROXY),
        (2, "garbage, 10.0.0.9", PROXY),
        (1, "2001:DB8:0:0::1", "2001:db8::1"),
        (1, "::ffff:203.0.113.10", CITIZEN_A),  # an IPv4 client seen through an IPv6 socket
        (1, "fe80::1%eth0", "fe80::1"),
    ],
)
def test_client_ip_trusts_exactly_proxy_count_hops(hops, forwarded, expected):
    assert ip_of(PROXY, forwarded, hops=hops) == expected


def test_client_ip_of_an_ipv6_peer_and_of_no_usable_peer():
    assert ip_of("2001:db8::7", hops=0) == "2001:db8::7"
    assert ip_of("::ffff:198.51.100.20", hops=0) == CITIZEN_B
    assert ip_of(None, hops=0) is None
    assert ip_of("garbage", "also garbage", hops=1) is None
    assert ip_of("", CITIZEN_A, hops=1) == CITIZEN_A


def submit(client, *, forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/ru/appeals/new/", form_data(form_key=new_form_key()), **extra)


@pytest.mark.django_db
def test_two_citizens_behind_one_proxy_have_separate_submission_limits(settings):
    settings.PROXY_COUNT = 1
    settings.APPEALS_SUBMIT_RATE = "2/h"
    citizen_a, citizen_b = Client(), Client()
    statuses = [submit(citizen_a, forwarded=CITIZEN_A).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    response = submit(citizen_b, forwarded=CITIZEN_B)
    assert response.status_code == 302
    assert response["Location"] == "/ru/appeals/receipt/"
    assert Appeal.objects.count() == 3


@pytest.mark.django_db
def test_a_forged_forwarded_header_changes_nothing_without_a_proxy(client, settings):
    settings.PROXY_COUNT = 0
    settings.APPEALS_SUBMIT_RATE = "2/h"
    assert [submit(client, forwarded=f"192.0.2.{i}").status_code for i in range(2)] == [302, 302]
    response = submit(client, forwarded="192.0.2.99")
    assert response.status_code == 429
    assert Appeal.objects.count() == 2


@pytest.mark.django_db
def test_behind_two_proxies_the_client_hop_counts_and_a_forged_leftmost_entry_is_ignored(
    settings,
):
    settings.PROXY_COUNT = 2
    settings.APPEALS_SUBMIT_RATE = "2/h"
    first_proxy = "10.0.0.9"
    citizen_a, citizen_b = Client(), Client()
    statuses = [
        submit(citizen_a, forwarded=f"192.0.2.{i}, {CITIZEN_A}, {first_proxy}").status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
    response = submit(citizen_b, forwarded=f"192.0.2.1, {CITIZEN_B}, {first_proxy}")
    assert response.status_code == 302
    assert Appeal.objects.count() == 3


def admin_login(client, password: str, forwarded: str | None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        "/en/admin/login/?next=/en/admin/",
        {"username": "officer", "password": password},
        **extra,
    )


@pytest.mark.django_db
def test_admin_lockout_is_per_client_behind_the_proxy(settings):
    settings.PROXY_COUNT = 1
    User.objects.create_user("officer", password="correct-horse-battery", is_staff=True)
    attacker, officer = Client(), Client()
    statuses = [
        admin_login(attacker, "wrong", CITIZEN_A).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = admin_login(attacker, "correct-horse-battery", CITIZEN_A)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in attacker.session
    # The officer behind the same proxy signs in: the lock-out is the attacker's, not theirs.
    response = admin_login(officer, "correct-horse-battery", CITIZEN_B)
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"
    assert officer.session["_auth_user_id"] == str(User.objects.get(username="officer").pk)
    # Failures are recorded against the attacker's address, never the proxy's.
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CITIZEN_A]


@pytest.mark.django_db
def test_admin_lockout_without_a_proxy_ignores_a_forged_forwarded_header(client, settings):
    settings.PROXY_COUNT = 0
    User.objects.create_user("officer", password="correct-horse-battery", is_staff=True)
    for i in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "wrong", f"192.0.2.{i}")
    response = admin_login(client, "correct-horse-battery", "192.0.2.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]
