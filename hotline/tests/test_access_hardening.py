"""Only a Compliance head changes who is in Compliance (hotline.guards); one query for the
Compliance members; the outbox shows a hotline notice only to its addressee; no identity key,
no encryption in production; pkop_portal knows nothing of the hotline."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

from appeals.tests.factories import staff_user
from hotline import access, admin_forms, crypto, demo, guards, notices
from hotline.models import AccessLog
from hotline.tests.factories import ReportFactory
from notifications.models import Notification
from pkop_portal.permissions import grant_group_permissions

pytestmark = pytest.mark.django_db

User = get_user_model()
OFFICER, HEAD = "Compliance officer", "Compliance head"


def refused():
    """PermissionDenied expected; the savepoint keeps the test's transaction usable (the guard
    raises inside Django's own atomic block of the m2m change)."""
    return _Refused()


class _Refused:
    def __enter__(self):
        self.raises = pytest.raises(PermissionDenied)
        self.raises.__enter__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        self.atomic.__exit__(*exc)
        return self.raises.__exit__(*exc)


def group(name):
    return Group.objects.get(name=name)


def handle_perm():
    return Permission.objects.get(content_type__app_label="hotline", codename="handle_report")


def superuser(username, *groups, email=""):
    user = User.objects.create_superuser(username, email or f"{username}@example.kz", "x")
    for name in groups:
        user.groups.add(group(name))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def boss():
    return superuser("boss")  # a superuser outside Compliance


@pytest.fixture
def head():
    return superuser("chief", HEAD)


def user_form_data(user, groups) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in groups],
        "user_permissions": [],
        "date_joined_0": "2026-12-01",
        "date_joined_1": "10:00:00",
        "last_login_0": "",
        "last_login_1": "",
    }


def post_user(client, user, groups):
    return client.post(f"/en/admin/auth/user/{user.pk}/change/", user_form_data(user, groups))


def member_of(user, name) -> bool:
    return user.groups.filter(name=name).exists()


# --- 1. joining Compliance ----------------------------------------------------------------------


def test_superuser_outside_compliance_cannot_join_through_the_user_admin(client, boss):
    client.force_login(boss)
    page = client.get(f"/en/admin/auth/user/{boss.pk}/change/")
    offered = set(page.context["adminform"].form.fields["groups"].queryset)
    assert group("Registrar") in offered
    assert group(OFFICER) not in offered and group(HEAD) not in offered

    response = post_user(client, boss, [group(HEAD)])
    assert response.status_code == 200
    assert "Only a Compliance head may change who is in the Compliance groups" in (
        response.content.decode()
    )
    assert not member_of(boss, HEAD)
    assert not access.is_compliance(User.objects.get(pk=boss.pk))
    assert not AccessLog.objects.exists()


def test_a_non_head_editing_an_officer_keeps_their_compliance_group(client, boss):
    officer = staff_user("officer", OFFICER)
    client.force_login(boss)
    response = post_user(client, officer, [group("Registrar")])
    assert response.status_code == 302
    assert member_of(officer, "Registrar")
    assert member_of(officer, OFFICER)  # not offered, so kept as it was


def test_a_head_adds_and_removes_an_officer_in_the_user_admin_logged(client, head):
    clerk = staff_user("clerk", "Registrar")
    client.force_login(head)
    page = client.get(f"/en/admin/auth/user/{clerk.pk}/change/")
    assert group(OFFICER) in set(page.context["adminform"].form.fields["groups"].queryset)

    assert post_user(client, clerk, [group("Registrar"), group(OFFICER)]).status_code == 302
    assert member_of(clerk, OFFICER)
    row = AccessLog.objects.get()
    assert (row.user, row.action) == (head, "change")
    assert "clerk" in row.detail and OFFICER in row.detail and "added" in row.detail

    assert post_user(client, clerk, [group("Registrar")]).status_code == 302
    assert not member_of(clerk, OFFICER)
    assert AccessLog.objects.filter(detail__contains="removed").count() == 1


def test_superuser_outside_compliance_cannot_grant_through_the_group_admin(client, boss):
    client.force_login(boss)
    page = client.get("/en/admin/auth/group/add/")
    offered = set(page.context["adminform"].form.fields["permissions"].queryset)
    assert handle_perm() not in offered
    response = client.post(
        "/en/admin/auth/group/add/", {"name": "Backdoor", "permissions": [handle_perm().pk]}
    )
    assert response.status_code == 200
    assert "Only a Compliance head may change" in response.content.decode()
    assert not Group.objects.filter(name="Backdoor").exists()


def test_a_non_head_editing_a_compliance_group_keeps_its_hotline_permission(client, boss):
    officers = group(OFFICER)
    client.force_login(boss)
    response = client.post(
        f"/en/admin/auth/group/{officers.pk}/change/", {"name": OFFICER, "permissions": []}
    )
    assert response.status_code == 302
    assert handle_perm() in set(officers.permissions.all())


def test_a_head_grants_a_hotline_permission_through_the_group_admin(client, head):
    client.force_login(head)
    response = client.post(
        "/en/admin/auth/group/add/", {"name": "Auditors", "permissions": [handle_perm().pk]}
    )
    assert response.status_code == 302
    assert handle_perm() in set(Group.objects.get(name="Auditors").permissions.all())
    assert AccessLog.objects.get(user=head).detail.startswith("permission: handle_report")


def test_a_direct_change_in_a_shell_is_refused():
    intruder = User.objects.create_superuser("intruder", "i@example.kz", "x")
    officers, registrar = group(OFFICER), group("Registrar")
    with guards.enforced():
        with refused():
            intruder.groups.add(officers)
        with refused():
            officers.user_set.add(intruder)
        with refused():
            registrar.permissions.add(handle_perm())
        with refused():
            handle_perm().group_set.add(registrar)
        with refused():
            officers.permissions.clear()
        intruder.groups.add(registrar)  # other groups as usual
    assert not member_of(intruder, OFFICER)
    assert handle_perm() in set(officers.permissions.all())
    officer = staff_user("officer", OFFICER)
    with guards.enforced(), refused():
        officer.groups.clear()
    with guards.enforced(), refused():
        officer.groups.remove(officers)
    assert member_of(officer, OFFICER)


def test_only_a_head_may_use_the_membership_service(head):
    clerk = staff_user("clerk", "Registrar")
    officer = superuser("offsu", OFFICER)
    with guards.enforced():
        with refused():
            guards.compliance_membership_set(
                by=officer, user=clerk, group=group(OFFICER), member=True
            )
        assert not member_of(clerk, OFFICER)
        assert guards.compliance_membership_set(
            by=head, user=clerk, group=group(OFFICER), member=True
        )
    assert member_of(clerk, OFFICER)
    assert AccessLog.objects.filter(user=head, action="change").count() == 1


def test_demo_and_migration_still_seed_the_groups():
    with override_settings(HOTLINE_TRUST_SETUP_CODE=False):
        demo.hotline_demo_load()
        assert member_of(User.objects.get(username=demo.OFFICER), OFFICER)
        assert member_of(User.objects.get(username=demo.HEAD), HEAD)

        with guards.trusted():
            group(OFFICER).permissions.remove(handle_perm())
        with refused():
            group(OFFICER).permissions.add(handle_perm())
        # The migration's historical models do not go through the guard.
        state = MigrationLoader(connection).project_state(
            ("hotline", "0002_groups_access_log_append_only")
        )
        grant_group_permissions(state.apps, "hotline", {OFFICER: ["handle_report"]})
    assert handle_perm() in set(group(OFFICER).permissions.all())


def test_only_the_member_or_a_head_changes_a_compliance_password(client, boss, head):
    officer = superuser("offsu", OFFICER)
    clerk = staff_user("clerk", "Registrar")
    client.force_login(boss)
    url = f"/en/admin/auth/user/{officer.pk}/password/"
    assert client.get(url).status_code == 403
    client.post(url, {"password1": "N3w-pass-word!", "password2": "N3w-pass-word!"})
    assert not User.objects.get(pk=officer.pk).check_password("N3w-pass-word!")
    assert client.get(f"/en/admin/auth/user/{clerk.pk}/password/").status_code == 200

    client.force_login(head)
    assert client.get(url).status_code == 200
    client.force_login(officer)
    assert client.get(url).status_code == 200


# --- 3. one query for the Compliance members ----------------------------------------------------


def test_compliance_members_are_active_staff_in_a_group_holding_handle_report():
    officer = staff_user("officer", OFFICER, email="o@example.kz")
    chief = staff_user("chiefx", HEAD)
    with guards.trusted():
        chief.groups.add(group(OFFICER))  # in both groups: listed once
        manage_only = Group.objects.create(name="Manage only")
        manage_only.permissions.add(
            Permission.objects.get(content_type__app_label="hotline", codename="manage_report")
        )
    staff_user("lonely", "Manage only")
    inactive = staff_user("gone", OFFICER)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    not_staff = staff_user("nostaff", OFFICER)
    User.objects.filter(pk=not_staff.pk).update(is_staff=False)
    superuser("root")  # every permission, but no group

    members = list(access.compliance_members())
    assert members == [officer, chief]
    assert list(notices.compliance_recipients()) == [officer]  # with an e-mail only
    assert set(admin_forms.compliance_staff()) == {officer, chief}


# --- 4. pkop_portal does not import the hotline -------------------------------------------------


def test_pkop_portal_modules_do_not_import_the_hotline():
    root = Path(__file__).resolve().parents[2] / "pkop_portal"
    pattern = re.compile(r"^\s*(from\s+hotline[\s.]|import\s+hotline)", re.MULTILINE)
    offenders = [p.name for p in root.glob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


# --- 5. the outbox ------------------------------------------------------------------------------


def hotline_notice(report, email):
    return Notification.objects.create(
        channel="email",
        recipient_email=email,
        event="hotline.new_report",
        language="en",
        context={"report_id": report.pk, "number": report.number, "language_code": "en"},
        dedupe_key=f"hotline.new_report:{report.pk}:{email}",
    )


def outbox_ids(client) -> set[int]:
    response = client.get("/en/admin/notifications/notification/")
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_the_outbox_shows_a_hotline_notice_only_to_its_addressee(client):
    report = ReportFactory()
    anna = superuser("anna", OFFICER, email="anna@example.kz")
    bob = superuser("bob", OFFICER, email="bob@example.kz")
    to_anna = hotline_notice(report, "ANNA@example.kz")
    to_bob = hotline_notice(report, "bob@example.kz")

    client.force_login(anna)
    assert to_anna.pk in outbox_ids(client) and to_bob.pk not in outbox_ids(client)
    url = f"/en/admin/notifications/notification/{to_anna.pk}/change/"
    assert client.get(url).status_code == 200
    row = AccessLog.objects.get()
    assert (row.user, row.action, row.detail, row.report) == (anna, "open", "notification", report)
    other = client.get(f"/en/admin/notifications/notification/{to_bob.pk}/change/")
    assert other.status_code == 302  # "does not exist" for her
    assert AccessLog.objects.count() == 1

    report.excluded_officers.add(bob)
    client.force_login(bob)
    assert to_bob.pk not in outbox_ids(client)


# --- 6. the identity key ------------------------------------------------------------------------


def test_no_identity_key_in_production_refuses_to_encrypt_or_decrypt():
    with override_settings(DEBUG=True, HOTLINE_IDENTITY_KEYS=[]):
        token = crypto.seal_text("secret")
    with override_settings(DEBUG=False, HOTLINE_DEV_KEY_ALLOWED=False, HOTLINE_IDENTITY_KEYS=[]):
        with pytest.raises(ImproperlyConfigured):
            crypto.seal_text("secret")
        with pytest.raises(ImproperlyConfigured):
            crypto.open_text(token)
        assert crypto.seal_text("") == ""  # nothing to encrypt
    with override_settings(DEBUG=False, HOTLINE_DEV_KEY_ALLOWED=True, HOTLINE_IDENTITY_KEYS=[]):
        assert crypto.open_text(token) == "secret"
