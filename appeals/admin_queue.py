"""The work queue: the appeal changelist as staff use it every day.

- What is listed (`StateFilter`, `QueueFilter`): open appeals unless closed ones are asked for
  (`state=closed|all`, a status chosen, a search, an export's appeals, answered on time);
  `mine=1` the user's own, `unassigned=1` open appeals nobody works on yet. Executors who open
  the bare list land on their own open appeals (`executor_landing`), overdue first (the list's
  due-date order).
- The columns that are not plain fields: the subject (cut by CSS, whole in `title`), the
  working days left to the answer (`days_left_column`, computed once per distinct due date of
  the page) and the executor by name.
- Bulk actions: assign the selected appeals (an intermediate page, then
  appeals.workflow.appeal_assign per appeal) and export them as CSV or XLSX
  (appeals.exports, logged in ExportLog as every export).
"""

from collections.abc import Callable
from datetime import date

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from appeals import admin_forms, enums, exports, selectors, workflow
from appeals.history import person_full
from pkop_portal import workdays
from pkop_portal.admin_base import StateListFilter

# --- What the list shows ---------------------------------------------------------------------


class StateFilter(StateListFilter):
    """Open (registered or in work) appeals by default; `state=closed` the closed ones,
    `state=all` every appeal. A chosen status wins over the state; a search, an export's
    appeals or answered on time or not (`q`, `export`, `answered_on_time__…`: closed appeals
    mostly) list every state unless `state` is given."""

    title = _("state")
    default = "open"
    asked_for_by = ("status__", "q", "export", "answered_on_time__")

    def lookups(self, request, model_admin):
        return [
            ("open", pgettext_lazy("appeal state", "Open")),
            ("closed", pgettext_lazy("appeal state", "Closed")),
            ("all", pgettext_lazy("list filter", "All")),
        ]

    def state(self) -> str:
        """The state listed: "open", "closed" or "all" (always "all" with a status chosen)."""
        if any(name.startswith("status__") for name in self.request.GET):
            return "all"
        return super().state()

    def queryset(self, request, queryset):
        state = self.state()
        if state == "open":
            return queryset.filter(status__in=enums.OPEN_STATUSES)
        if state == "closed":
            return queryset.exclude(status__in=enums.OPEN_STATUSES)
        return queryset


class QueueFilter(admin.ListFilter):
    """Whose appeals: `mine=1` the user's own (as executor), `unassigned=1` open appeals
    without an executor (both may be given; each narrows the list)."""

    title = _("queue")
    parameters = ("mine", "unassigned")
    template = "admin/filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1]

    def has_output(self) -> bool:
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        mine = self.used_parameters.get("mine") == "1"
        unassigned = self.used_parameters.get("unassigned") == "1"
        yield {
            "selected": not (mine or unassigned),
            "query_string": changelist.get_query_string(remove=self.parameters),
            "display": pgettext_lazy("list filter", "All"),
        }
        yield {
            "selected": mine,
            "query_string": changelist.get_query_string({"mine": "1"}, remove=["unassigned"]),
            "display": _("My appeals"),
        }
        yield {
            "selected": unassigned,
            "query_string": changelist.get_query_string({"unassigned": "1"}, remove=["mine"]),
            "display": _("Unassigned"),
        }

    def queryset(self, request, queryset):
        if self.used_parameters.get("mine") == "1":
            queryset = queryset.filter(executor=request.user)
        if self.used_parameters.get("unassigned") == "1":
            queryset = queryset.filter(selectors.appeal_q_unassigned())
        return queryset


def executor_landing(request) -> str | None:
    """The query string an Executor's bare list opens on ("?mine=1": their open appeals,
    overdue first), or None for everyone else (Heads and Registrars: every open appeal they
    may see) and for a list opened with any parameter."""
    if request.method != "GET" or request.GET:
        return None
    user = request.user
    # The permission first: it is cached on the user, the group is one query.
    if user.has_perm("appeals.assign_appeal") or not user.groups.filter(name="Executor").exists():
        return None
    return "?mine=1"


# --- Columns ----------------------------------------------------------------------------------

# Working days left from which the answer is near (amber): 0 to 3.
SOON_WORKING_DAYS = 3


def days_left_html(due: date, today: date) -> str:
    """The cell of an open appeal due on `due`, seen on `today`: working days left (amber from
    SOON_WORKING_DAYS down to 0), or "overdue by N" (red) with N the working days since the
    due date, at least 1 (an appeal due on a Friday is overdue on the Saturday)."""
    title = _("Answer due %(date)s") % {"date": f"{due:%d.%m.%Y}"}
    if due < today:
        late = max(1, workdays.working_days_between(due, today))
        text = ngettext("overdue by %(days)d day", "overdue by %(days)d days", late) % {
            "days": late
        }
        return format_html('<span class="appeal-overdue" title="{}">{}</span>', title, text)
    left = workdays.working_days_between(today, due)
    if left <= SOON_WORKING_DAYS:
        return format_html('<span class="appeal-due-soon" title="{}">{}</span>', title, left)
    return format_html('<span class="appeal-due" title="{}">{}</span>', title, left)


def days_left_column(today: date | None = None) -> Callable:
    """A `days_left` column for one request: the working days are counted once per distinct
    due date of the page (a page of 50 appeals has a handful), "—" for closed appeals."""
    today = today or workdays.local_now().date()
    cells: dict[date, str] = {}

    @admin.display(description=_("working days left"), ordering="due_date")
    def days_left(obj):
        if obj.status not in enums.OPEN_STATUSES:
            return "—"
        cell = cells.get(obj.due_date)
        if cell is None:
            cell = cells[obj.due_date] = days_left_html(obj.due_date, today)
        return cell

    return days_left


@admin.display(description=_("subject"), ordering="subject")
def subject(obj):
    """The subject on one line (cut by the stylesheet), whole in the tooltip."""
    return format_html(
        '<span class="appeal-subject" title="{}">{}</span>', obj.subject, obj.subject
    )


@admin.display(description=_("executor"), ordering="executor__last_name")
def executor_name(obj):
    """The executor's full name, else their username; "—" when nobody is assigned."""
    return "—" if obj.executor is None else person_full(obj.executor)


# --- Bulk actions -----------------------------------------------------------------------------


# The appeals listed by number on the assign page (all of them are assigned).
SHOWN_ON_CONFIRMATION = 100


@admin.action(description=_("Assign to…"), permissions=["assign"])
def assign_selected(model_admin, request, queryset):
    """First a page to choose the executor (and department) for the selected appeals; on
    confirmation each is assigned through appeals.workflow.appeal_assign, and the message
    counts those assigned and those refused (with why)."""
    confirmed = request.POST.get("apply") == "yes"
    form = admin_forms.AssignForm(request.POST if confirmed else None)
    if confirmed and form.is_valid():
        done, refused = appeals_assign(
            ids=list(queryset.order_by("due_date", "id").values_list("pk", "number")),
            by=request.user,
            executor=form.cleaned_data["executor"],
            department=form.cleaned_data["department"],
        )
        if done:
            model_admin.message_user(
                request,
                ngettext("%(count)d appeal assigned.", "%(count)d appeals assigned.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        if refused:
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)d appeal not assigned: %(reasons)s",
                    "%(count)d appeals not assigned: %(reasons)s",
                    len(refused),
                )
                % {"count": len(refused), "reasons": "; ".join(refused)},
                messages.WARNING,
            )
        return None
    listed = (
        queryset.select_related(None)
        .order_by("due_date", "id")
        .only("pk", "number", "subject", "status")
    )
    total = listed.count()
    return model_admin.admin_page(
        request,
        "admin/appeals/appeal/assign_bulk.html",
        title=_("Assign the selected appeals"),
        shown=listed[:SHOWN_ON_CONFIRMATION],
        total=total,
        more=max(0, total - SHOWN_ON_CONFIRMATION),
        form=form,
        action_name="assign_selected",
        action_checkbox_name=ACTION_CHECKBOX_NAME,
        select_across=request.POST.get("select_across", "0"),
        selected=request.POST.getlist(ACTION_CHECKBOX_NAME),
        cancel_url=request.get_full_path(),
    )


def appeals_assign(*, ids, by, executor, department: str) -> tuple[int, list[str]]:
    """Assign each appeal of `ids` ((pk, number) pairs) to `executor` through
    appeals.workflow.appeal_assign, each in its own transaction (one refusal does not undo
    the others). Returns (how many were assigned, "number: reason" of each refused)."""
    done, refused = 0, []
    for pk, number in ids:
        try:
            workflow.appeal_assign(appeal_id=pk, by=by, executor=executor, department=department)
        except ValidationError as exc:
            refused.append(f"{number}: {' '.join(exc.messages)}")
        except PermissionDenied:
            refused.append(f"{number}: {_('You may not do this.')}")
        else:
            done += 1
    return done, refused


def _selected_filters(request) -> str:
    """What the export log records of a selection: the list's filters and the selection."""
    params = request.GET.copy()
    if request.POST.get("select_across") == "1":
        params["selected"] = "all"
    else:
        params.setlist("selected", request.POST.getlist(ACTION_CHECKBOX_NAME))
    return params.urlencode()


@admin.action(description=_("Export selected (CSV)"), permissions=["export"])
def export_selected_csv(model_admin, request, queryset):
    return exports.appeal_export_response(
        request, queryset=queryset, file_format="csv", filters=_selected_filters(request)
    )


@admin.action(description=_("Export selected (XLSX)"), permissions=["export"])
def export_selected_xlsx(model_admin, request, queryset):
    return exports.appeal_export_response(
        request, queryset=queryset, file_format="xlsx", filters=_selected_filters(request)
    )


QUEUE_ACTIONS = (assign_selected, export_selected_csv, export_selected_xlsx)


class QueueAdminMixin:
    """What the appeal admin adds for the queue: the actions' permissions and the Executor's
    landing on their own appeals."""

    actions = QUEUE_ACTIONS

    def has_assign_permission(self, request) -> bool:
        return request.user.has_perm("appeals.assign_appeal")

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(exports.APPEAL_EXPORT.permission)

    def changelist_view(self, request, extra_context=None):
        landing = executor_landing(request)
        if landing is not None:
            return redirect(request.path + landing)
        return super().changelist_view(request, extra_context)
