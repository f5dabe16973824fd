"""THE ACCESS RULE of the hotline: who may see hotline data at all.

A user sees hotline reports only if active, staff and a member of a group holding
`hotline.handle_report` (the "Compliance officer" and "Compliance head" groups). The check goes
through the user's GROUPS, never `user.has_perm`: a superuser holds every permission, and a
superuser outside those groups must get nothing. A Compliance head is a member of a group holding
`hotline.manage_report`. An officer in `report.excluded_officers` (a conflict of interest) cannot
see that report at all.

Every access of a Compliance member (list, open, search, export, download, change) is written to
the append-only access log with `log_access`.
"""

from django.contrib.auth.models import Group

from hotline import enums
from hotline.models import AccessLog, Report

APP_LABEL = "hotline"
HANDLE = "handle_report"
MANAGE = "manage_report"

_CACHE = "_hotline_access"


def _group_codenames(user) -> frozenset[str]:
    """The hotline permissions the user holds through groups (cached on the user object)."""
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    if not (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    ):
        codenames = frozenset()
    else:
        codenames = frozenset(
            Group.objects.filter(
                user=user,
                permissions__content_type__app_label=APP_LABEL,
                permissions__codename__in=(HANDLE, MANAGE),
            ).values_list("permissions__codename", flat=True)
        )
    if user is not None:
        setattr(user, _CACHE, codenames)
    return codenames


def is_compliance(user) -> bool:
    """Whether `user` may see hotline data: active staff in a group holding handle_report."""
    return HANDLE in _group_codenames(user)


def is_compliance_head(user) -> bool:
    """Whether `user` is a Compliance head: may see hotline data and holds manage_report through
    a group (assigns reports, excludes officers, reads the access log)."""
    codenames = _group_codenames(user)
    return HANDLE in codenames and MANAGE in codenames


def compliance_members():
    """THE Compliance members: active staff users in a group holding hotline.handle_report
    (a QuerySet of users, distinct, by pk). Notices and the staff choices use this one query."""
    from django.contrib.auth import get_user_model

    groups = Group.objects.filter(
        permissions__content_type__app_label=APP_LABEL, permissions__codename=HANDLE
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__in=groups)
        .distinct()
        .order_by("pk")
    )


def in_hotline_groups(user_ids) -> bool:
    """Whether any of these accounts is a member of a group holding any hotline permission
    (active or not)."""
    return Group.objects.filter(
        user__in=list(user_ids), permissions__content_type__app_label=APP_LABEL
    ).exists()


def deletion_guarded(user_ids) -> bool:
    """Whether deleting one of these accounts must be refused (neutrally) outside Compliance:
    a member of a Compliance group, or an account linked to hotline data - the same refusal
    for both, so it does not single out officers involved in reports."""
    ids = list(user_ids)
    return in_hotline_groups(ids) or users_linked(ids)


def reports_for(user):
    """The reports `user` may see: none outside Compliance; for Compliance every report except
    those the user is excluded from."""
    if not is_compliance(user):
        return Report.objects.none()
    return Report.objects.exclude(excluded_officers=user)


def may_open(user, report) -> bool:
    """Whether `user` may open this one report."""
    if not is_compliance(user):
        return False
    return not report.excluded_officers.filter(pk=user.pk).exists()


def log_access(*, user, action: str, report=None, detail: str = "") -> AccessLog:
    """Append one access-log row. `action` is one of enums.AccessAction."""
    action = enums.AccessAction(action)
    return AccessLog.objects.create(
        user=user,
        action=action,
        report=report,
        report_number=report.number if report is not None else "",
        detail=(detail or "")[:300],
    )


def users_linked(user_ids) -> bool:
    """Whether any of these user accounts appears in hotline data (investigator, excluded
    officer, author of a message or history row, access log). Deleting such an account would
    list those rows; outside Compliance the admin must not reveal that they exist."""
    from hotline.models import ReportEvent, ReportMessage

    ids = list(user_ids)
    return (
        Report.objects.filter(investigator__in=ids).exists()
        or Report.excluded_officers.through.objects.filter(user_id__in=ids).exists()
        or ReportMessage.objects.filter(by__in=ids).exists()
        or ReportEvent.objects.filter(by__in=ids).exists()
        or AccessLog.objects.filter(user__in=ids).exists()
    )
