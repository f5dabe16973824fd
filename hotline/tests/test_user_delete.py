"""Deleting a staff account linked to hotline data reveals nothing outside Compliance."""

import pytest
from django.contrib.auth.models import User

from appeals.tests.factories import staff_user
from hotline.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigator():
    return staff_user("investigator", "Compliance officer")


def delete_page(client, user) -> str:
    return client.get(f"/en/admin/auth/user/{user.pk}/delete/").content.decode()


def test_superuser_outside_compliance_sees_no_hotline_rows_and_cannot_delete(client, investigator):
    report = ReportFactory(investigator=investigator)
    boss = User.objects.create_superuser("boss", "boss@example.kz", "x")
    client.force_login(boss)
    html = delete_page(client, investigator)
    assert report.number not in html
    assert "hotline report" not in html.lower()
    assert "/admin/hotline/" not in html
    assert "deactivate the account instead of deleting it" in html
    client.post(f"/en/admin/auth/user/{investigator.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=investigator.pk).exists()


def test_an_account_without_hotline_links_is_deleted_as_usual(client):
    clerk = staff_user("clerk", "Registrar")
    boss = User.objects.create_superuser("boss", "boss@example.kz", "x")
    client.force_login(boss)
    assert "deactivate the account" not in delete_page(client, clerk)
    client.post(f"/en/admin/auth/user/{clerk.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=clerk.pk).exists()


@pytest.mark.parametrize("group", ["Compliance officer", "Compliance head"])
def test_a_compliance_member_without_hotline_links_gets_the_same_neutral_refusal(client, group):
    member = staff_user("member", group)
    boss = User.objects.create_superuser("boss", "boss@example.kz", "x")
    client.force_login(boss)
    html = delete_page(client, member)
    assert "deactivate the account instead of deleting it" in html
    client.post(f"/en/admin/auth/user/{member.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=member.pk).exists()


def test_a_former_member_without_links_is_deleted_as_usual(client):
    from hotline import guards

    member = staff_user("member", "Compliance officer")
    with guards.trusted():
        member.groups.clear()
    boss = User.objects.create_superuser("boss", "boss@example.kz", "x")
    client.force_login(boss)
    assert "deactivate the account" not in delete_page(client, member)
    client.post(f"/en/admin/auth/user/{member.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=member.pk).exists()
