"""The Compliance staff UI of the hotline (the standard Django admin, CSP-safe).

Only Compliance sees any of it (hotline.access): for everyone else, superusers included, the app
is absent from the admin index and app index and every hotline admin URL is a 404, as if it did
not exist. An officer excluded from a report (conflict of interest) gets a 404 on it and does not
see it in the list. Every list, search, opening, export and download is written to the
append-only access log; nothing of the hotline is ever written to Django's admin LogEntry
("recent actions"). A report's page is read-only: each handling step is a small admin view that
validates a form and calls hotline.services.workflow, which checks the user and status again.
"""

import csv
from functools import wraps
from typing import NamedTuple

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hotline import access, admin_forms, deadlines, enums, history, selectors, stats
from hotline.models import AccessLog, Report, ReportAttachment
from hotline.services.submission import NUMBER_PREFIX
from pkop_portal import uploads
from pkop_portal.admin_base import PortalModelAdmin
from pkop_portal.admin_search import ShapedSearch, normalise_term, yearly_number
from pkop_portal.periods import PeriodForm
from pkop_portal.spreadsheets import safe_cell

S = enums.Status
A = enums.AccessAction


def person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _hidden_unless(check, view):
    """`view` for those `check` admits; a 404 for every other logged-in staff member (the
    hotline does not exist for them). Anonymous and non-staff users go on to the admin's own
    login redirect, as for any admin URL."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if user.is_active and user.is_staff and not check(user):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class HotlineModelAdmin(PortalModelAdmin):
    """Admin of a hotline model: visible to `visible_to` only, never written to LogEntry."""

    actions = None

    @staticmethod
    def visible_to(user) -> bool:
        return access.is_compliance(user)

    def get_urls(self):
        urls = []
        for url in super().get_urls():
            if isinstance(url, URLPattern):
                url = URLPattern(
                    url.pattern,
                    _hidden_unless(self.visible_to, url.callback),
                    url.default_args,
                    url.name,
                )
            urls.append(url)
        return urls

    def has_module_permission(self, request):
        return self.visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        return self.visible_to(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # not "does not exist, perhaps deleted": excluded looks the same
        return obj

    # Nothing of the hotline in Django's admin log ("recent actions", object history).
    def log_addition(self, *args, **kwargs):
        return None

    def log_change(self, *args, **kwargs):
        return None

    def log_deletion(self, *args, **kwargs):
        return None

    def log_deletions(self, *args, **kwargs):
        return None


# A report number, full or partial (H-2026-000123, 2026-123, 123), looked up as the short list
# of full numbers it can be, on a unique index (pkop_portal.admin_search); nothing else is
# searched (no text, no identity).
REPORT_NUMBER = yearly_number(NUMBER_PREFIX)


def _number_search(queryset, field: str, search_term: str):
    if not normalise_term(search_term):
        return queryset, False
    search = ShapedSearch(number=field, number_format=REPORT_NUMBER)
    return search.filter(queryset, search_term, personal=False), False


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("Overdue")), ("no", _("On time")))

    def queryset(self, request, queryset):
        overdue = deadlines.overdue_q(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


class InvestigatorFilter(admin.SimpleListFilter):
    """Reports by investigator: only Compliance staff are offered, and "not assigned"."""

    title = _("investigator")
    parameter_name = "investigator"
    NONE = "none"

    def lookups(self, request, model_admin):
        return [
            *((str(user.pk), person(user)) for user in admin_forms.compliance_staff()),
            (self.NONE, _("Not assigned")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.NONE:
            return queryset.filter(investigator__isnull=True)
        if value.isascii() and value.isdigit() and int(value) < 2**31:
            return queryset.filter(investigator_id=int(value))
        return queryset.none()


def _due(value, overdue: bool):
    if value is None:
        return "—"
    shown = value.strftime("%d.%m.%Y")
    if overdue:
        return format_html(
            '<strong class="hotline-overdue">{} ({})</strong>', shown, gettext("overdue")
        )
    return shown


class Step(NamedTuple):
    title: str
    form: type
    statuses: frozenset  # where the button is offered; the service decides
    head_only: bool = False


OPEN = frozenset(enums.OPEN_STATUSES)
ALL = frozenset(S)
STEPS = {
    "acknowledge": Step(_("Acknowledge receipt"), admin_forms.ConfirmForm, frozenset({S.RECEIVED})),
    "start_investigation": Step(
        _("Start the investigation"), admin_forms.ConfirmForm, frozenset({S.ACKNOWLEDGED})
    ),
    "conclude": Step(
        _("Conclude"),
        admin_forms.ConcludeForm,
        frozenset({S.ACKNOWLEDGED, S.UNDER_INVESTIGATION}),
    ),
    "close": Step(
        pgettext_lazy("hotline step", "Close"), admin_forms.ConfirmForm, frozenset({S.CONCLUDED})
    ),
    "triage": Step(_("Triage"), admin_forms.TriageForm, OPEN),
    "assign": Step(_("Assign an investigator"), admin_forms.AssignForm, OPEN, head_only=True),
    "exclude": Step(
        _("Exclude an officer (conflict of interest)"),
        admin_forms.ExcludeForm,
        ALL,
        head_only=True,
    ),
    "refer": Step(
        _("Record a referral to the Anti-Corruption Service"),
        admin_forms.ReferForm,
        OPEN | {S.CONCLUDED},
    ),
    "message": Step(_("Write to the reporter"), admin_forms.MessageForm, OPEN | {S.CONCLUDED}),
    "legal_hold": Step(_("Legal hold"), admin_forms.LegalHoldForm, ALL, head_only=True),
}


def _form_kwargs(action: str, report) -> dict:
    if action == "assign":
        return {"report": report, "initial": {"investigator": report.investigator_id}}
    if action == "triage":
        return {
            "initial": {"severity": report.severity, "retaliation_risk": report.retaliation_risk}
        }
    if action == "legal_hold":
        return {"initial": {"legal_hold": report.legal_hold}}
    if action == "refer":
        return {
            "initial": {
                "referred_on": report.referred_on or timezone.localdate(),
                "reference": report.referral_reference,
            }
        }
    return {}


def run_step(action: str, report, user, data: dict):
    """Call the workflow service of one step (hotline.services.workflow)."""
    from hotline.services import workflow

    common = {"report_id": report.pk, "by": user}
    if action == "acknowledge":
        return workflow.report_acknowledge(**common)
    if action == "start_investigation":
        return workflow.report_start_investigation(**common)
    if action == "conclude":
        return workflow.report_conclude(
            **common, conclusion=data["conclusion"], reasons=data["reasons"]
        )
    if action == "close":
        return workflow.report_close(**common)
    if action == "triage":
        return workflow.report_triage(
            **common, severity=data["severity"], retaliation_risk=data["retaliation_risk"]
        )
    if action == "assign":
        return workflow.report_assign(**common, investigator=data["investigator"])
    if action == "exclude":
        return workflow.report_exclude_officer(
            **common, officer=data["officer"], reason=data["reason"]
        )
    if action == "refer":
        return workflow.report_refer(
            **common, referred_on=data["referred_on"], reference=data["reference"]
        )
    if action == "message":
        return workflow.report_message(**common, text=data["text"])
    if action == "legal_hold":
        return workflow.report_set_legal_hold(
            **common, on=data["legal_hold"], reason=data["reason"]
        )
    raise Http404


class StatisticsPeriodForm(PeriodForm):
    """The period of the hotline statistics (pkop_portal.periods); this year by default."""

    DEFAULT = PeriodForm.YEAR


class StatRow(NamedTuple):
    key: str
    label: str
    count: int
    url: str


def _percent(on_time: stats.OnTime) -> float | None:
    share = on_time.share
    return None if share is None else round(100 * share, 1)


IDENTITY_LABELS = {
    "name": pgettext_lazy("person", "Name"),
    "position": _("Position"),
    "contact": _("Contact"),
}


def identity_of(report) -> list[tuple[str, str]] | None:
    """The reporter's identity decrypted for the page, or None when anonymous/unreadable."""
    if not report.identity_sealed:
        return None
    try:
        from hotline.crypto import open_identity
    except ImportError:  # pragma: no cover - until hotline.crypto exists
        return None
    identity = open_identity(report.identity_sealed)
    if not identity:
        return None
    return [
        (str(IDENTITY_LABELS.get(key, key)), str(value))
        for key, value in identity.items()
        if value not in (None, "")
    ]


EXPORT_COLUMNS = (
    (_("Number"), lambda r: r.number),
    (_("Received"), lambda r: timezone.localtime(r.received_at).strftime("%d.%m.%Y %H:%M")),
    (_("Reporter"), lambda r: r.get_reporter_type_display()),
    (_("Category"), lambda r: r.get_category_display()),
    (_("Status"), lambda r: r.get_status_display()),
    (_("Severity"), lambda r: r.get_severity_display()),
    (_("Retaliation risk"), lambda r: r.get_retaliation_risk_display()),
    (_("Acknowledgement due"), lambda r: r.acknowledge_due.strftime("%d.%m.%Y")),
    (
        _("Acknowledged"),
        lambda r: (
            timezone.localtime(r.acknowledged_at).strftime("%d.%m.%Y") if r.acknowledged_at else ""
        ),
    ),
    (_("Feedback due"), lambda r: r.feedback_due.strftime("%d.%m.%Y") if r.feedback_due else ""),
    (_("Conclusion"), lambda r: r.get_conclusion_display()),
    (_("Investigator"), lambda r: person(r.investigator)),
    (_("Referred on"), lambda r: r.referred_on.strftime("%d.%m.%Y") if r.referred_on else ""),
)


@admin.register(Report)
class ReportAdmin(HotlineModelAdmin):
    list_display = (
        "number",
        "received_at",
        "category",
        "status",
        "severity",
        "retaliation_risk",
        "acknowledgement_due",
        "feedback_due_shown",
        "investigator_name",
    )
    list_filter = ("status", "category", "severity", OverdueFilter, InvestigatorFilter)
    search_fields = ("number",)
    search_help_text = _("Search by report number.")
    list_per_page = 50
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "status",
                    "received_at",
                    "language",
                    "reporter_type",
                    "category",
                )
            },
        ),
        (
            _("The report"),
            {"fields": ("description", "occurred", "location", "people_involved", "is_ongoing")},
        ),
        (_("Reporter's identity"), {"fields": ("identity",)}),
        (
            _("Deadlines"),
            {
                "fields": (
                    "acknowledgement_due",
                    "acknowledged_at",
                    "feedback_due_shown",
                    "concluded_at",
                    "closed_at",
                )
            },
        ),
        (
            _("Handling"),
            {
                "fields": (
                    "severity",
                    "retaliation_risk",
                    "investigator",
                    "excluded_officers",
                    "conclusion",
                    "conclusion_reasons",
                    "referred_on",
                    "referral_reference",
                    "legal_hold",
                    "anonymised_at",
                )
            },
        ),
    )
    readonly_fields = ("identity", "acknowledgement_due", "feedback_due_shown")

    def get_queryset(self, request):
        return selectors.report_list_for(request.user)

    def get_search_results(self, request, queryset, search_term):
        return _number_search(queryset, "number", search_term)

    @admin.display(description=_("acknowledgement due"), ordering="acknowledge_due")
    def acknowledgement_due(self, obj):
        return _due(
            obj.acknowledge_due, deadlines.acknowledgement_overdue(obj, timezone.localdate())
        )

    @admin.display(description=_("feedback due"), ordering="feedback_due")
    def feedback_due_shown(self, obj):
        return _due(obj.feedback_due, deadlines.feedback_overdue(obj, timezone.localdate()))

    @admin.display(description=_("investigator"), ordering="investigator__username")
    def investigator_name(self, obj):
        return person(obj.investigator) or "—"

    @admin.display(description=_("identity"))
    def identity(self, obj):
        shown = identity_of(obj)
        if not shown:
            return format_html("<em>{}</em>", pgettext("hotline reporter", "Anonymous"))
        return format_html_join("", "<p><strong>{}:</strong> {}</p>", shown)

    # --- views ------------------------------------------------------------------------------
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and request.method == "GET":
            term = request.GET.get("q", "").strip()
            if term:
                access.log_access(user=request.user, action=A.SEARCH, detail=term)
            else:
                access.log_access(user=request.user, action=A.LIST, detail=request.GET.urlencode())
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            report = self.get_object(request, object_id)
            access.log_access(user=request.user, action=A.OPEN, report=report)
        return response

    def history_view(self, request, object_id, extra_context=None):
        # Django's history is the admin log, where the hotline never writes: the report's
        # history is on its page.
        report = self.get_object(request, object_id)
        return redirect(
            reverse("admin:hotline_report_change", args=[report.pk]) + "#hotline-history"
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            detail = selectors.report_detail_for(request.user, obj.pk)
            head = access.is_compliance_head(request.user)
            context.update(
                report=detail,
                report_messages=detail.messages.all(),
                report_attachments=[
                    (
                        a,
                        reverse("admin:hotline_report_attachment", args=[detail.pk, a.pk]),
                    )
                    for a in detail.attachments.all()
                ],
                # In words (hotline.history): only the rows shown before, names for usernames.
                history_rows=history.report_history(events=detail.events.all()),
                report_steps=[
                    (name, step.title, reverse("admin:hotline_report_step", args=[obj.pk, name]))
                    for name, step in STEPS.items()
                    if obj.status in step.statuses and (head or not step.head_only)
                ],
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        own = [
            path("export/", self.admin_site.admin_view(self.export_view), name="hotline_export"),
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="hotline_report_statistics",
            ),
            path(
                "<int:pk>/step/<str:action>/",
                self.admin_site.admin_view(self.step_view),
                name="hotline_report_step",
            ),
            path(
                "<int:pk>/attachment/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="hotline_report_attachment",
            ),
        ]
        own = [
            URLPattern(u.pattern, _hidden_unless(self.visible_to, u.callback), None, u.name)
            for u in own
        ]
        return own + super().get_urls()

    def _report(self, request, pk: int):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def step_view(self, request, pk: int, action: str):
        """One handling step: its form, then the service; a refusal is shown on the form."""
        if action not in STEPS:
            raise Http404
        step = STEPS[action]
        report = self._report(request, pk)
        if step.head_only and not access.is_compliance_head(request.user):
            raise PermissionDenied
        back = reverse("admin:hotline_report_change", args=[report.pk])
        data = request.POST if request.method == "POST" else None
        form = step.form(data, **_form_kwargs(action, report))
        if data is not None and form.is_valid():
            try:
                run_step(action, report, request.user, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                self.message_user(request, gettext("You may not do this."), messages.ERROR)
                return redirect(back)
            else:
                self.message_user(
                    request,
                    gettext("Done: %(title)s.") % {"title": step.title},
                    messages.SUCCESS,
                )
                return redirect(back)
        return self.admin_page(
            request,
            "admin/hotline/action_form.html",
            original=report,
            title=f"{step.title}: {report.number}",
            form=form,
            back_url=back,
            action=action,
        )

    def attachment_view(self, request, pk: int, attachment_id: int):
        """A file of a report the user may open, as a download (logged)."""
        report = self._report(request, pk)
        attachment = get_object_or_404(ReportAttachment, pk=attachment_id, report=report)
        response = uploads.download_response(
            attachment.file, attachment.original_name, attachment.content_type
        )
        access.log_access(
            user=request.user,
            action=A.DOWNLOAD,
            report=report,
            detail=f"attachment #{attachment.pk}",
        )
        return response

    def statistics_view(self, request):
        """Compliance statistics of a period (hotline.stats.compliance_statistics, which checks
        the user and writes the access log); each count links to the report list filtered the
        same way. An invalid period shows its errors and no figures (the view is logged too)."""
        today = timezone.localdate()
        form = StatisticsPeriodForm(request.GET or None, today=today)
        result = None
        context = {}
        if form.is_bound and not form.is_valid():
            access.log_access(
                user=request.user,
                action=A.STATISTICS,
                detail=f"invalid period: {request.GET.urlencode()}",
            )
        else:
            start, end = form.period_bounds()
            result = stats.compliance_statistics(by=request.user, start=start, end=end)
            changelist = reverse("admin:hotline_report_changelist")
            period = {
                "received_at__date__gte": start.isoformat(),
                "received_at__date__lte": end.isoformat(),
            }

            def url(**filters):
                return f"{changelist}?{urlencode({**filters, **period})}"

            context.update(
                total_url=url(),
                by_category=[
                    StatRow(value, label, result.by_category.get(value, 0), url(category=value))
                    for value, label in enums.Category.choices
                ],
                by_status=[
                    StatRow(value, label, result.by_status.get(value, 0), url(status=value))
                    for value, label in enums.Status.choices
                ],
                acknowledgement_percent=_percent(result.acknowledgement_on_time),
                feedback_percent=_percent(result.feedback_on_time),
            )
        return self.admin_page(
            request,
            "admin/hotline/report/statistics.html",
            title=gettext("Hotline statistics"),
            form=form,
            stats=result,
            acknowledge_days=deadlines.ACKNOWLEDGE_DAYS,
            feedback_months=deadlines.FEEDBACK_MONTHS,
            **context,
        )

    def export_view(self, request):
        """The filtered list as CSV, without the reporter's identity or the report's text."""
        changelist = self.get_changelist_instance(request)
        rows = changelist.queryset.select_related("investigator")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="hotline-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([str(title) for title, _get in EXPORT_COLUMNS])
        count = 0
        for report in rows:
            writer.writerow([safe_cell(get(report)) for _title, get in EXPORT_COLUMNS])
            count += 1
        access.log_access(
            user=request.user,
            action=A.EXPORT,
            detail=f"{count}: {request.GET.urlencode()}"[:300],
        )
        return response


@admin.register(AccessLog)
class AccessLogAdmin(HotlineModelAdmin):
    """Read-only, for Compliance heads only; nobody may add, change or delete a row."""

    list_display = ("at", "user", "action", "report_number", "detail")
    list_filter = ("action", "at")
    search_fields = ("report_number",)
    date_hierarchy = "at"
    list_select_related = ("user",)
    fields = ("at", "user", "action", "report_number", "detail")
    readonly_fields = fields

    @staticmethod
    def visible_to(user) -> bool:
        return access.is_compliance_head(user)

    def get_queryset(self, request):
        return selectors.access_log_for(request.user)

    def get_search_results(self, request, queryset, search_term):
        return _number_search(queryset, "report_number", search_term)
