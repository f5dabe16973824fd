"""The staff admin's front page: per-user tiles above the app list, and the apps in order of use.

Each tile is a count and a label linking to the filtered admin list that shows the same rows:
"my open appeals" (`?mine=1`), overdue appeals, appeals due within 3 working days, unassigned
appeals, appeals awaiting a redirect decision, today's reception visits, failed notifications,
my open charity requests and overdue charity requests. A tile is shown only to whoever may open
its list (the list's `has_view_permission`) and whose role makes it meaningful (mine → Executors;
unassigned and redirect → Heads and Registrars); it counts only the rows that user sees in the
list (the lists' own selectors). One aggregate query per model, whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from appeals import selectors as appeal_selectors
from appeals.models import Appeal
from charity import enums as charity_enums
from charity import selectors as charity_selectors
from charity.models import CharityRequest
from notifications.models import Notification
from pkop_portal import workdays
from reception.models import Booking

HEAD, EXECUTOR, REGISTRAR = "Head", "Executor", "Registrar"
CHARITY_OFFICER = "Charity officer"

# The admin's apps in order of use; an app missing here comes after "exports", by name.
APP_ORDER = (
    "appeals",
    "reception",
    "charity",
    "hotline",
    "notifications",
    "pkop_portal",
    "exports",
    "auth",
    "axes",
)


@dataclass(frozen=True)
class Tile:
    """One dashboard tile: `count` rows of the list at `url`; `alert` when they need action."""

    key: str
    label: str
    count: int
    url: str
    alert: bool = False


@dataclass(frozen=True)
class _Wanted:
    key: str
    label: str
    condition: Q
    params: dict
    alert: bool = False


def dashboard_tiles(request, *, site=admin.site) -> list[Tile]:
    """The tiles `request.user` sees on the admin index, in display order.

    Inputs: the request (its user, and the language of the links). Reads one query for the
    user's groups, the permission checks (Django's cached per user) and, per list with at
    least one tile, one aggregate. No side effects."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return []
    roles = set(user.groups.values_list("name", flat=True))
    today = workdays.local_now().date()
    tiles: list[Tile] = []
    for model, wanted_of in TILES:
        model_admin = site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        rows, wanted = wanted_of(request, model_admin=model_admin, roles=roles, today=today)
        tiles += _count(rows, wanted, model=model)
    return tiles


def apps_in_order(app_list: list[dict]) -> list[dict]:
    """`app_list` (AdminSite.get_app_list) sorted by APP_ORDER, unknown apps by name after
    "exports" and before the accounts and the security logs."""
    unknown = APP_ORDER.index("auth") - 0.5

    def rank(app):
        label = app["app_label"]
        return (APP_ORDER.index(label) if label in APP_ORDER else unknown, app["name"].lower())

    return sorted(app_list, key=rank)


def _is_head(user, roles) -> bool:
    return user.is_superuser or HEAD in roles


def _count(rows, wanted: list[_Wanted], *, model) -> list[Tile]:
    """One aggregate over `rows` counting each wanted tile's rows."""
    if not wanted:
        return []
    counts = rows.order_by().aggregate(**{w.key: Count("pk", filter=w.condition) for w in wanted})
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return [
        Tile(
            key=w.key,
            label=w.label,
            count=counts[w.key],
            url=f"{url}?{urlencode(w.params)}",
            alert=w.alert and counts[w.key] > 0,
        )
        for w in wanted
    ]


# Each list's tiles: (the rows the user sees in the list, the tiles wanted of them). The
# conditions are those of the filters the links name.


def _appeal_tiles(request, *, model_admin, roles, today: date):
    user = request.user
    q = appeal_selectors
    wanted = []
    if EXECUTOR in roles:
        wanted.append(
            _Wanted("mine", _("My open appeals"), q.appeal_q_open() & Q(executor=user), {"mine": 1})
        )
    # The conditions of the filters the links name (appeals.admin, appeals.admin_queue).
    wanted += [
        _Wanted(
            "overdue",
            _("Overdue appeals"),
            q.appeal_q_overdue(today=today),
            {"overdue": "yes"},
            alert=True,
        ),
        _Wanted(
            "due_soon",
            _("Appeals due within 3 working days"),
            q.appeal_q_due_soon(today=today),
            {"overdue": "soon"},
        ),
    ]
    if _is_head(user, roles) or REGISTRAR in roles:
        wanted += [
            _Wanted(
                "unassigned", _("Unassigned appeals"), q.appeal_q_unassigned(), {"unassigned": 1}
            ),
            _Wanted(
                "redirect",
                _("Appeals awaiting a redirect decision"),
                q.appeal_q_redirect_urgent(today=today),
                {"redirect": "urgent"},
                alert=True,
            ),
        ]
    return appeal_selectors.appeal_list_for_staff(user=user), wanted


def _reception_tiles(request, *, model_admin, roles, today: date):
    # As the list's "Today" date filter writes it (DateFieldListFilter: local midnights).
    start = datetime.combine(today, time.min, tzinfo=workdays.LOCAL_TZ)
    end = start + timedelta(days=1)
    booked = Booking.Status.BOOKED
    visits = _Wanted(
        "visits_today",
        _("Reception visits booked for today"),
        Q(slot__starts_at__gte=start, slot__starts_at__lt=end, status=booked),
        {
            "slot__starts_at__gte": str(start),
            "slot__starts_at__lt": str(end),
            "status__exact": booked.value,
        },
    )
    return model_admin.get_queryset(request), [visits]


def _charity_tiles(request, *, model_admin, roles, today: date):
    user = request.user
    open_statuses = [s.value for s in charity_enums.Status if s in charity_enums.OPEN_STATUSES]
    open_ = Q(status__in=open_statuses)
    wanted = []
    if CHARITY_OFFICER in roles:
        wanted.append(
            _Wanted(
                "charity_mine",
                _("My open charity requests"),
                open_ & Q(officer=user),
                {"officer__id__exact": user.pk, "status__in": ",".join(open_statuses)},
            )
        )
    # charity.admin OverdueFilter.
    wanted.append(
        _Wanted(
            "charity_overdue",
            _("Overdue charity requests"),
            charity_selectors.request_q_overdue(today=today),
            {"overdue": "yes"},
            alert=True,
        )
    )
    return charity_selectors.request_list_for_staff(user=user), wanted


def _notification_tiles(request, *, model_admin, roles, today: date):
    # The outbox's visibility rules (the hotline's notices) live in its admin's queryset.
    if not _is_head(request.user, roles):
        return None, []
    failed = Notification.Status.FAILED
    return model_admin.get_queryset(request), [
        _Wanted(
            "notifications_failed",
            _("Failed notifications"),
            Q(status=failed),
            {"status__exact": failed.value},
            alert=True,
        )
    ]


TILES = (
    (Appeal, _appeal_tiles),
    (Booking, _reception_tiles),
    (CharityRequest, _charity_tiles),
    (Notification, _notification_tiles),
)
