"""Who sees which charity admin page: each staff group, a staff member of no group and a
superuser (least privilege, from the group permissions of charity migration 0002)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from appeals.tests.factories import staff_user
from charity.tests import support
from charity.tests.factories import BudgetLineFactory, ProgrammeFactory, SocialProjectFactory

pytestmark = pytest.mark.django_db
ADMIN = "/en/admin/charity/"
LISTS = [
    "charityrequest",
    "committeemeeting",
    "programme",
    "documenttype",
    "checklistitem",
    "socialproject",
    "disbursement",
    "aiditem",
    "exportlog",
]
ADDS = ["committeemeeting", "programme", "documenttype", "checklistitem", "socialproject"]
GROUPS = [
    "Registrar",
    "Executor",
    "Head",
    "Reception secretary",
    "Charity committee",
    "Charity officer",
    "Compliance officer",
    "Analyst",
    None,  # staff, in no group
]
# The changelists each group may open; every other one is 403.
LISTS_SEEN = {
    "Head": {"charityrequest", "programme"},
    "Charity officer": {
        "charityrequest",
        "committeemeeting",
        "programme",
        "documenttype",
        "checklistitem",
        "disbursement",
        "aiditem",
    },
    "Charity committee": set(LISTS),
}
# The add pages each group may open.
ADDS_SEEN = {
    "Charity officer": {"documenttype", "checklistitem"},
    "Charity committee": {"committeemeeting", "programme", "socialproject"},
}


def user_of(group):
    if group is None:
        return User.objects.create_user("plain", is_staff=True)
    return staff_user("someone", group)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    """A request at each stage worth opening, a meeting, a programme with a budget."""
    board = support.Committee()
    programme = ProgrammeFactory()
    line = BudgetLineFactory(programme=programme, amount=Decimal("1000000"))
    request, decision = board.approved(line, "1000")
    SocialProjectFactory()
    return {
        "request": request,
        "item": decision.items.get(),
        "meeting": board.meeting,
        "programme": programme,
    }


@pytest.mark.parametrize("group", GROUPS)
def test_changelists_per_group(group):
    client = client_of(user_of(group))
    seen = LISTS_SEEN.get(group, set())
    codes = {name: client.get(f"{ADMIN}{name}/").status_code for name in LISTS}
    assert codes == {name: 200 if name in seen else 403 for name in LISTS}
    app_index = client.get(ADMIN).status_code
    assert app_index == (200 if seen else 404)


@pytest.mark.parametrize("group", GROUPS)
def test_add_pages_per_group(group):
    client = client_of(user_of(group))
    seen = ADDS_SEEN.get(group, set())
    codes = {name: client.get(f"{ADMIN}{name}/add/").status_code for name in ADDS}
    assert codes == {name: 200 if name in seen else 403 for name in ADDS}
    # Requests come from the public form and the channels, never from an admin add page.
    assert client.get(f"{ADMIN}charityrequest/add/").status_code == 403


@pytest.mark.parametrize("group", GROUPS)
def test_request_pages_and_views_per_group(group, world):
    client = client_of(user_of(group))
    request, item = world["request"], world["item"]
    base = f"{ADMIN}charityrequest/{request.pk}/"
    sees_requests = group in {"Head", "Charity officer", "Charity committee"}
    change = client.get(f"{base}change/")
    if sees_requests:
        assert change.status_code == 200
        assert request.number in change.content.decode()
    else:
        assert change.status_code == 403
    note = client.get(f"{base}step/note/")
    assert note.status_code == (200 if sees_requests else 404)
    extend = client.get(f"{base}step/extend/")
    assert extend.status_code == {"Head": 200, "Charity officer": 403}.get(
        group, 403 if sees_requests else 404
    )
    start = client.get(f"{base}step/start_review/")
    assert start.status_code == {"Charity officer": 200}.get(group, 403 if sees_requests else 404)
    disburse = client.get(f"{base}item/{item.pk}/disburse/")
    assert disburse.status_code == {"Charity officer": 200}.get(group, 403)
    cancel = client.get(f"{base}item/{item.pk}/cancel/")
    assert cancel.status_code == {"Charity officer": 200, "Charity committee": 200}.get(group, 403)


@pytest.mark.parametrize("group", GROUPS)
def test_committee_and_programme_pages_per_group(group, world):
    client = client_of(user_of(group))
    meeting, programme = world["meeting"], world["programme"]
    sees_meetings = group in {"Charity officer", "Charity committee"}
    minutes = client.get(f"{ADMIN}committeemeeting/{meeting.pk}/minutes/")
    assert minutes.status_code == (200 if sees_meetings else 403)
    budget = client.get(f"{ADMIN}programme/{programme.pk}/budget/")
    sees_programmes = group in {"Head", "Charity officer", "Charity committee"}
    assert budget.status_code == (200 if sees_programmes else 403)
    export = client.get(f"{ADMIN}programme/{programme.pk}/export/")
    assert export.status_code == (200 if group == "Charity committee" else 403)


def test_superuser_sees_every_page(world):
    client = client_of(User.objects.create_superuser("root", "root@example.kz", "x"))
    for name in LISTS:
        assert client.get(f"{ADMIN}{name}/").status_code == 200, name
    request = world["request"]
    assert client.get(f"{ADMIN}charityrequest/{request.pk}/change/").status_code == 200
    assert client.get(f"{ADMIN}committeemeeting/{world['meeting'].pk}/change/").status_code == 200


def test_not_staff_is_sent_to_the_login(world):
    user = User.objects.create_user("citizen")
    client = client_of(user)
    for url in (
        f"{ADMIN}charityrequest/",
        f"{ADMIN}charityrequest/{world['request'].pk}/step/note/",
        f"{ADMIN}programme/{world['programme'].pk}/export/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/admin/login/")


def test_the_admin_index_lists_charity_only_for_charity_staff():
    officer = client_of(support.officer())
    analyst = client_of(staff_user("analyst", "Analyst"))
    assert 'href="/en/admin/charity/charityrequest/"' in officer.get("/en/admin/").content.decode()
    assert "/en/admin/charity/" not in analyst.get("/en/admin/").content.decode()
