"""Who may change who is in Compliance: the one place every path goes through.

Access to the hotline follows membership of a group holding a hotline permission
(hotline.access). So adding or removing members of such a group, or granting or revoking a
hotline permission on any group, is itself a hotline right: only a Compliance head may do it,
through `compliance_membership_set` / `compliance_permission_set` (each change written to the
access log). A superuser outside Compliance must not be able to make themselves (or anyone)
an officer - not in the user or group admin, not in a shell.

The m2m_changed receivers below (connected in HotlineConfig.ready) refuse such a change with
PermissionDenied unless it runs
- inside one of the services above (an authorised change), or
- in trusted set-up code with no acting user: inside `trusted()` (the demo loader), or, when
  settings.HOTLINE_TRUST_SETUP_CODE is true (the test settings), anywhere outside a request.

Data migrations use historical models, whose through-models are other classes: the receivers
(connected with sender=the real through-models) do not fire there, so migrations seed groups
as before.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext

from hotline import access, enums

_trusted: ContextVar[bool | None] = ContextVar("hotline_guard_trusted", default=None)
_actor: ContextVar[object | None] = ContextVar("hotline_guard_actor", default=None)
_authorised: ContextVar[bool] = ContextVar("hotline_guard_authorised", default=False)

GUARDED_ACTIONS = ("pre_add", "pre_remove", "pre_clear")


@contextmanager
def _set(var: ContextVar, value):
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def trusted():
    """Set-up code (demo loader, fixtures) may change the Compliance groups, when no request
    user acts (see `acting`)."""
    return _set(_trusted, True)


def enforced():
    """The guard applies even where settings.HOTLINE_TRUST_SETUP_CODE would trust (tests)."""
    return _set(_trusted, False)


def acting(user):
    """A request of `user` (the admin): their changes are never trusted set-up code."""
    return _set(_actor, user)


def _authorised_change():
    return _set(_authorised, True)


def change_allowed() -> bool:
    if _authorised.get():
        return True
    if _actor.get() is not None:
        return False
    trusted_now = _trusted.get()
    if trusted_now is None:
        trusted_now = getattr(settings, "HOTLINE_TRUST_SETUP_CODE", False)
    return bool(trusted_now)


def refusal() -> PermissionDenied:
    return PermissionDenied(
        gettext("Only a Compliance head may change who is in the Compliance groups.")
    )


# --- which groups and permissions are guarded -------------------------------------------------


def hotline_permissions():
    return Permission.objects.filter(content_type__app_label=access.APP_LABEL)


def hotline_groups():
    """Groups holding any hotline permission."""
    return Group.objects.filter(permissions__in=hotline_permissions()).distinct()


def hotline_group_ids() -> set[int]:
    return set(hotline_groups().values_list("pk", flat=True))


def is_hotline_group(group) -> bool:
    return group.pk in hotline_group_ids()


# --- the services -------------------------------------------------------------------------------


def compliance_membership_set(*, by, user, group, member: bool) -> bool:
    """Make `user` a member of `group` (member=True) or not, as Compliance head `by`. Returns
    whether anything changed; each change is written to the access log ("change")."""
    if not access.is_compliance_head(by):
        raise refusal()
    with transaction.atomic(), _authorised_change():
        present = user.groups.filter(pk=group.pk).exists()
        if present == member:
            return False
        if member:
            user.groups.add(group)
        else:
            user.groups.remove(group)
        verb = "added to" if member else "removed from"
        access.log_access(
            user=by,
            action=enums.AccessAction.CHANGE,
            detail=f"membership: user #{user.pk} {user.get_username()} {verb} group "
            f"#{group.pk} {group.name}",
        )
    return True


def compliance_permission_set(*, by, group, permission, granted: bool) -> bool:
    """Grant (granted=True) or revoke a hotline `permission` on `group`, as Compliance head
    `by`. Returns whether anything changed; each change is written to the access log."""
    if not access.is_compliance_head(by):
        raise refusal()
    with transaction.atomic(), _authorised_change():
        present = group.permissions.filter(pk=permission.pk).exists()
        if present == granted:
            return False
        if granted:
            group.permissions.add(permission)
        else:
            group.permissions.remove(permission)
        verb = "granted to" if granted else "revoked from"
        access.log_access(
            user=by,
            action=enums.AccessAction.CHANGE,
            detail=f"permission: {permission.codename} {verb} group #{group.pk} {group.name}",
        )
    return True


# --- the receivers ------------------------------------------------------------------------------


def _membership_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in GUARDED_ACTIONS or change_allowed():
        return
    guarded = hotline_group_ids()
    if not guarded:
        return
    if not reverse:  # user.groups.add(groups): pk_set are groups
        if action == "pre_clear":
            touched = set(instance.groups.values_list("pk", flat=True))
        else:
            touched = set(pk_set or ())
        hit = bool(touched & guarded)
    else:  # group.user_set.add(users)
        hit = instance.pk in guarded and (action == "pre_clear" or bool(pk_set))
    if hit:
        raise refusal()


def _permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in GUARDED_ACTIONS or change_allowed():
        return
    hotline_ids = set(hotline_permissions().values_list("pk", flat=True))
    if not reverse:  # group.permissions.add(permissions)
        if action == "pre_clear":
            touched = set(instance.permissions.values_list("pk", flat=True))
        else:
            touched = set(pk_set or ())
        hit = bool(touched & hotline_ids)
    else:  # permission.group_set.add(groups)
        hit = instance.pk in hotline_ids and (action == "pre_clear" or bool(pk_set))
    if hit:
        raise refusal()


def connect() -> None:
    m2m_changed.connect(
        _membership_changed,
        sender=get_user_model().groups.through,
        dispatch_uid="hotline.guards.membership",
    )
    m2m_changed.connect(
        _permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="hotline.guards.permissions",
    )


# --- the portal's admin hooks (registered in HotlineConfig.ready) -------------------------------


class AdminGuard:
    """The Compliance groups as the user and group admins see them (pkop_portal.admin_base
    .membership_guard)."""

    def guarded_groups(self):
        return hotline_groups()

    def guarded_permissions(self):
        return hotline_permissions()

    def may_change(self, user) -> bool:
        return access.is_compliance_head(user)

    def set_membership(self, *, by, user, group, member):
        return compliance_membership_set(by=by, user=user, group=group, member=member)

    def set_permission(self, *, by, group, permission, granted):
        return compliance_permission_set(by=by, group=group, permission=permission, granted=granted)

    def password_change_refused(self, *, by, user) -> bool:
        if by.pk == user.pk or access.is_compliance_head(by):
            return False
        return access.in_hotline_groups([user.pk])

    def acting(self, user):
        return acting(user)


ADMIN_GUARD = AdminGuard()


def deletion_refused(request, user_ids) -> bool:
    return not access.is_compliance(request.user) and access.deletion_guarded(user_ids)


def register_admin_hooks() -> None:
    from pkop_portal import admin_base

    admin_base.hidden_from_outsiders(access.APP_LABEL, access.is_compliance)
    admin_base.account_deletion_guard(deletion_refused)
    admin_base.membership_guard(ADMIN_GUARD)
