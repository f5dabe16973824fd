"""The staff UI of charitable and social assistance (the standard Django admin, CSP-safe).

Nothing that the workflow owns is edited in place: a request's or a meeting's page is
read-only, and every step is a small admin view that validates a form, calls the service
(charity.services) and reports its refusal. Buttons are offered only where the request's
status and the user's rights allow the step; the service checks both again.
Personal data is masked in every list (IIN, bank accounts) and, on the request's page, for
staff who only look (Heads).
"""

from collections import defaultdict
from typing import NamedTuple

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from charity import admin_forms, enums, exports, history, selectors
from charity.models import (
    AidItem,
    BudgetLine,
    CharityRequest,
    ChecklistItem,
    CommitteeDecision,
    CommitteeMeeting,
    ConflictDeclaration,
    Disbursement,
    DocumentType,
    ExportLog,
    HouseholdMember,
    Programme,
    RequestDocument,
    RequestMessage,
    SocialProject,
    SocialProjectPhoto,
)
from charity.services import budget, committee, disbursement, workflow
from charity.services.submission import NUMBER_PREFIX
from pkop_portal import identity, uploads, workdays
from pkop_portal.admin_base import (
    PortalModelAdmin,
    PortalTabularInline,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
)
from pkop_portal.admin_search import ShapedSearch, ShapedSearchMixin, yearly_number
from pkop_portal.formats import tenge
from pkop_portal.masking import mask_account, mask_address, mask_email, mask_iin, mask_name
from pkop_portal.masking import mask_phone as _mask_phone

S = enums.Status
# Searches by registration number (full or partial: C-2026-000123, 2026-123, 123) and IIN
# (12 digits), each an index lookup (pkop_portal.admin_search).
REQUEST_NUMBER = yearly_number(NUMBER_PREFIX)


def person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def personal_data_visible(user) -> bool:
    """Whether `user` sees an applicant's personal data in full on the request's page: those
    who work on requests (officers, the committee). Heads, who only look, see it masked, as
    everyone does in lists (Law 94-V: IIN and address are restricted-access data)."""
    return any(
        user.has_perm(f"charity.{p}")
        for p in ("assess_charityrequest", "decide_charityrequest", "disburse_charityrequest")
    )


# ===== Document types and the checklist ======================================================


class ChecklistItemInline(PortalTabularInline):
    model = ChecklistItem
    fields = ("category", "is_required", "position")
    extra = 0


@admin.register(DocumentType)
class DocumentTypeAdmin(PortalModelAdmin):
    list_display = ("slug", "name_kk", "name_ru", "name_en", "name_zh_hans", "position")
    list_editable = ("position",)
    search_fields = ("slug", "name_kk", "name_ru", "name_en", "name_zh_hans")
    inlines = (ChecklistItemInline,)
    fieldsets = (
        (None, {"fields": ("slug", "position")}),
        (_("Name"), {"fields": ("name_kk", "name_ru", "name_en", "name_zh_hans")}),
        (_("Where to get it"), {"fields": ("hint_kk", "hint_ru", "hint_en", "hint_zh_hans")}),
    )

    def has_delete_permission(self, request, obj=None):
        # Requests name their missing documents by type: retire one from the checklist instead.
        return False


@admin.register(ChecklistItem)
class ChecklistItemAdmin(PortalModelAdmin):
    """The document checklist, grouped by category (the order the public page shows)."""

    list_display = ("category", "document_type", "is_required", "position")
    list_display_links = ("document_type",)
    list_editable = ("is_required", "position")
    list_filter = ("category", "is_required")
    list_select_related = ("document_type",)
    ordering = ("category", "position", "id")
    list_per_page = 200


# ===== Programmes and budgets ================================================================


class BudgetLineInline(PortalTabularInline):
    """Saved through charity.services.budget (ProgrammeAdmin.save_formset): only the amount of
    an existing line is written, under its row lock. A line is not deleted: its items and the
    budget history point at it (set its amount to what is reserved instead)."""

    model = BudgetLine
    form = admin_forms.BudgetLineForm
    fields = ("aid_kind", "amount", "reserved_tenge", "disbursed_tenge", "remaining_tenge")
    readonly_fields = ("reserved_tenge", "disbursed_tenge", "remaining_tenge")
    extra = 0
    can_delete = False

    @admin.display(description=_("reserved, tenge"))
    def reserved_tenge(self, obj):
        return tenge(obj.reserved) if obj.pk else "—"

    @admin.display(description=_("handed over, tenge"))
    def disbursed_tenge(self, obj):
        return tenge(obj.disbursed) if obj.pk else "—"

    @admin.display(description=_("remaining, tenge"))
    def remaining_tenge(self, obj):
        return tenge(obj.remaining) if obj.pk else "—"


@admin.register(Programme)
class ProgrammeAdmin(PortalModelAdmin):
    list_display = (
        "title",
        "year",
        "starts_on",
        "ends_on",
        "answer_working_days",
        "is_active",
        "budget_link",
    )
    list_filter = ("year", "is_active")
    search_fields = ("title_kk", "title_ru", "title_en", "title_zh_hans")
    inlines = (BudgetLineInline,)
    fieldsets = (
        (None, {"fields": ("year", "starts_on", "ends_on", "answer_working_days", "is_active")}),
        (_("Title"), {"fields": ("title_kk", "title_ru", "title_en", "title_zh_hans")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("budget"))
    def budget_link(self, obj):
        url = reverse("admin:charity_programme_budget", args=[obj.pk])
        return format_html('<a href="{}" class="programme-budget">{}</a>', url, _("Budget"))

    def get_urls(self):
        own = [
            path(
                "<int:pk>/budget/",
                self.admin_site.admin_view(self.budget_view),
                name="charity_programme_budget",
            ),
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="charity_programme_export",
            ),
        ]
        return own + super().get_urls()

    def budget_view(self, request, pk: int):
        """Per budget line: amount, reserved, handed over and remaining, with the totals."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        programme = get_object_or_404(Programme, pk=pk)
        budget = selectors.programme_budget(programme=programme)
        return self.admin_page(
            request,
            "admin/charity/programme/budget.html",
            original=programme,
            title=_("Budget: %(programme)s") % {"programme": programme},
            budget=budget,
            to_hand_over=budget.reserved - budget.disbursed,
            can_export=request.user.has_perm("charity.export_charityrequest"),
        )

    def export_view(self, request, pk: int):
        """The programme's decisions and disbursements as XLSX (logged in ExportLog)."""
        if not request.user.has_perm("charity.export_charityrequest"):
            raise PermissionDenied
        programme = get_object_or_404(Programme, pk=pk)
        content = exports.programme_export(programme=programme, by=request.user)
        response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"charity-programme-{programme.pk}-{stamp}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_export"] = request.user.has_perm("charity.export_charityrequest")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        """Budget lines go through charity.services.budget: a new line is added, an existing
        one gets only its new amount (never the reserved and handed-over sums this form read,
        which an approval may have changed since). A refusal found under the lock (an approval
        reserved more meanwhile) is reported and leaves that line as it is."""
        if formset.model is not BudgetLine:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line_form in formset.forms:
            if not line_form.has_changed():
                continue
            values, line = line_form.cleaned_data, line_form.instance
            try:
                if line.pk is None:
                    added = budget.budget_line_add(
                        programme_id=form.instance.pk,
                        aid_kind=values["aid_kind"],
                        amount=values["amount"],
                        by=request.user,
                    )
                    formset.new_objects.append(added)
                elif "amount" in line_form.changed_data:
                    changed = budget.budget_line_set_amount(
                        line_id=line.pk, amount=values["amount"], by=request.user
                    )
                    formset.changed_objects.append((changed, ["amount"]))
            except ValidationError as exc:
                for text in exc.messages:
                    self.message_user(request, f"{line}: {text}", messages.ERROR)
            except PermissionDenied:
                self.message_user(request, _("You may not do this."), messages.ERROR)


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdminMixin, PortalModelAdmin):
    list_display = ("at", "by", "programme", "file_format", "row_count")
    list_filter = ("programme",)
    list_select_related = ("by", "programme")
    date_hierarchy = "at"
    fields = ("at", "by", "programme", "file_format", "row_count")
    readonly_fields = fields


# ===== Charity requests ======================================================================


class OverdueFilter(admin.SimpleListFilter):
    title = _("answer deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("soon", _("Due within 3 working days"))]

    def queryset(self, request, queryset):
        today = workdays.local_now().date()
        if self.value() == "yes":
            return queryset.filter(selectors.request_q_overdue(today=today))
        if self.value() == "soon":
            return queryset.filter(selectors.request_q_due_soon(today=today))
        return queryset


class FlagFilter(admin.SimpleListFilter):
    """The double-help flags (charity.selectors.request_overlaps)."""

    title = _("double help")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [
            ("recent_aid", _("Aided in the last 12 months")),
            ("open_request", _("Another open request")),
            ("any", _("Any flag")),
            ("none", _("No flag")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "recent_aid":
            return queryset.filter(flag_recent_aid=True)
        if value == "open_request":
            return queryset.filter(flag_open_request=True)
        if value == "any":
            return queryset.filter(flag_recent_aid=True) | queryset.filter(flag_open_request=True)
        if value == "none":
            return queryset.filter(flag_recent_aid=False, flag_open_request=False)
        return queryset


class HouseholdMemberInline(ReadOnlyInline):
    model = HouseholdMember
    fields = ("relation", "full_name", "birth_date", "iin_shown", "status")
    readonly_fields = fields
    verbose_name_plural = _("household")

    def get_fields(self, request, obj=None):
        if personal_data_visible(request.user):
            return ("relation", "full_name", "birth_date", "iin", "status")
        return ("relation", "name_masked", "birth_date", "iin_shown", "status")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("IIN"))
    def iin_shown(self, obj):
        return mask_iin(obj.iin)

    @admin.display(description=_("full name"))
    def name_masked(self, obj):
        return mask_name(obj.full_name)


class DocumentInline(ReadOnlyInline):
    model = RequestDocument
    fields = ("document_type", "original_name", "content_type", "size", "source", "created_at")
    readonly_fields = (*fields, "download")

    def get_fields(self, request, obj=None):
        return (*self.fields, "download")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document_type", "uploaded_by")

    @admin.display(description=_("sent by"))
    def source(self, obj):
        return person(obj.uploaded_by) if obj.uploaded_by_id else _("the applicant")

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("admin:charity_charityrequest_document", args=[obj.request_id, obj.pk])
        return format_html('<a href="{}" class="document-download">{}</a>', url, _("Download"))


class MessageInline(ReadOnlyInline):
    model = RequestMessage
    fields = ("created_at", "author", "text")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("written by"))
    def author(self, obj):
        return person(obj.by) if obj.by_id else _("the applicant")


# The request's history is shown in words on its page (charity.history), not as raw rows.


class Action(NamedTuple):
    """A workflow step offered on a request's page: its form, title, the rights it needs (any
    one of them) and the statuses it starts from, as charity.services.workflow checks them."""

    form: type
    title: str
    permissions: tuple
    statuses: frozenset


ASSESS = ("assess_charityrequest",)

NOT_FINAL = frozenset(set(S) - enums.FINAL_STATUSES)
ACTIONS = {
    "assign": Action(admin_forms.AssignForm, _("Assign an officer"), ASSESS, NOT_FINAL),
    "ask_documents": Action(
        admin_forms.AskDocumentsForm,
        _("Ask for documents"),
        ASSESS,
        frozenset(workflow.ASK_DOCUMENTS_FROM),
    ),
    "start_review": Action(
        admin_forms.ConfirmForm,
        _("Start the review"),
        ASSESS,
        frozenset(workflow.START_REVIEW_FROM),
    ),
    "assess": Action(
        admin_forms.AssessForm,
        _("Assess"),
        ASSESS,
        frozenset({S.UNDER_REVIEW}),
    ),
    "send_to_committee": Action(
        admin_forms.SendToCommitteeForm,
        _("Send to the committee"),
        ASSESS,
        frozenset({S.UNDER_REVIEW}),
    ),
    "message": Action(admin_forms.MessageForm, _("Message the applicant"), ASSESS, NOT_FINAL),
    "note": Action(
        admin_forms.NoteForm, _("Add an internal note"), ("view_charityrequest",), frozenset(S)
    ),
    "extend": Action(
        admin_forms.ExtendForm,
        _("Extend the deadline"),
        ("extend_charityrequest",),
        frozenset(enums.OPEN_STATUSES),
    ),
    "withdraw": Action(
        admin_forms.WithdrawForm,
        _("Record the withdrawal"),
        ASSESS,
        frozenset(enums.WITHDRAWABLE_STATUSES),
    ),
    "close": Action(
        admin_forms.ConfirmForm,
        _("Close the request"),
        # Also for those who hand the aid over.
        ("assess_charityrequest", "disburse_charityrequest"),
        frozenset(workflow.CLOSE_FROM),
    ),
}
ITEM_ACTIONS = {"disburse": _("Record the hand-over"), "cancel": _("Cancel the item")}
# The rights of each item step (one of them), as charity.services.disbursement checks them.
ITEM_PERMISSIONS = {
    "disburse": ("disburse_charityrequest",),
    "cancel": ("disburse_charityrequest", "decide_charityrequest"),
}


def item_action_allowed(action: str, user) -> bool:
    return has_any_perm(user, ITEM_PERMISSIONS[action])


# Shown masked to those who only look (personal_data_visible).
MASKED_FIELDS = {
    "full_name": "full_name_masked",
    "iin": "iin_masked",
    "id_document_number": "id_document_number_masked",
    "address": "address_masked",
    "phone": "phone_masked",
    "email": "email_masked",
    "consent_ip": "consent_ip_masked",
}


def has_any_perm(user, permissions) -> bool:
    return any(user.has_perm(f"charity.{p}") for p in permissions)


def action_allowed(action: str, obj: CharityRequest, user) -> bool:
    """Whether the step's button is shown: the status fits and the user has the right."""
    spec = ACTIONS[action]
    if obj.status not in spec.statuses:
        return False
    if action == "send_to_committee" and obj.assessed_at is None:
        return False
    if action == "extend" and obj.due_date < workdays.local_now().date():
        return False  # a passed deadline cannot be extended
    if action == "withdraw" and not selectors.request_can_withdraw(request=obj):
        return False  # part of the aid was handed over
    return has_any_perm(user, spec.permissions)


def _run_action(action: str, obj: CharityRequest, user, data: dict):
    pk = obj.pk
    if action == "assign":
        return workflow.request_assign(request_id=pk, officer=data["officer"], by=user)
    if action == "ask_documents":
        return workflow.request_ask_documents(
            request_id=pk, by=user, missing=list(data["missing"]), note=data["note"]
        )
    if action == "start_review":
        return workflow.request_start_review(request_id=pk, by=user)
    if action == "assess":
        return workflow.request_assess(
            request_id=pk,
            by=user,
            household_size=data["household_size"],
            earlier_aid_note=data["earlier_aid_note"],
            home_visit_note=data["home_visit_note"],
            assessment=data["assessment"],
            programme=data["programme"],
        )
    if action == "send_to_committee":
        return workflow.request_send_to_committee(
            request_id=pk, by=user, meeting_id=data["meeting"].pk
        )
    if action == "message":
        return workflow.request_message(request_id=pk, by=user, text=data["text"])
    if action == "note":
        return workflow.request_note(request_id=pk, by=user, text=data["text"])
    if action == "extend":
        return workflow.request_extend(
            request_id=pk, by=user, new_due=data["new_due"], reason=data["reason"]
        )
    if action == "withdraw":
        return workflow.request_withdraw(request_id=pk, by=user, reason=data["reason"])
    return workflow.request_close(request_id=pk, by=user)


def _action_form_kwargs(action: str, obj: CharityRequest) -> dict:
    if action == "ask_documents":
        return {
            "category": obj.category,
            "initial": {
                "missing": list(obj.missing_documents.all()),
                "note": obj.missing_note,
            },
        }
    if action == "assess":
        return {
            "initial": {
                "household_size": obj.household_size or obj.members.count() + 1,
                "earlier_aid_note": obj.earlier_aid_note,
                "home_visit_note": obj.home_visit_note,
                "assessment": obj.assessment,
                "programme": obj.programme_id,
            }
        }
    if action == "assign":
        return {"initial": {"officer": obj.officer_id}}
    if action == "extend":
        return {"initial": {"new_due": obj.due_date}}
    return {}


@admin.register(CharityRequest)
class CharityRequestAdmin(ShapedSearchMixin, PortalModelAdmin):
    list_display = (
        "number",
        "status",
        "category",
        "district",
        "applicant",
        "identity_masked",
        "aid_asked",
        "due",
        "flags",
        "officer_name",
    )
    list_filter = (
        "status",
        OverdueFilter,
        "category",
        "district",
        "programme",
        FlagFilter,
        "channel",
        ("officer", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("=number", "=iin")  # the search box; the lookups are `shaped_search`
    shaped_search = ShapedSearch(
        number="number",
        number_format=REQUEST_NUMBER,
        iin=("iin",),
        id_document=("id_document_number",),
    )
    ordering = ("due_date", "id")
    list_select_related = ("officer", "programme")
    list_per_page = 50
    inlines = (HouseholdMemberInline, DocumentInline, MessageInline)
    fieldsets = (
        (
            None,
            {"fields": ("number", "status", "channel", "language", "programme", "officer")},
        ),
        (
            _("Applicant"),
            {
                "fields": (
                    "full_name",
                    "iin",
                    "id_document_kind",
                    "id_document_number",
                    "phone",
                    "email",
                    "preferred_contact",
                    "district",
                    "address",
                )
            },
        ),
        (
            _("Aid asked"),
            {
                "fields": (
                    "category",
                    "monthly_income",
                    "aid_kind",
                    "amount_requested",
                    "aid_description",
                )
            },
        ),
        (
            _("Deadlines"),
            {
                "fields": (
                    "received_at",
                    "registration_date",
                    "statutory_due_date",
                    "due_date",
                    "extended_at",
                    "registered_by",
                )
            },
        ),
        (_("Documents"), {"fields": ("missing_documents", "missing_note")}),
        (
            _("Assessment"),
            {
                "fields": (
                    "household_size",
                    "income_per_member",
                    "earlier_aid_note",
                    "home_visit_note",
                    "assessment",
                    "assessed_by",
                    "assessed_at",
                )
            },
        ),
        (
            _("Double help"),
            {"fields": ("flag_recent_aid", "flag_open_request", "flags_checked_at")},
        ),
        (
            _("Result"),
            {
                "fields": (
                    "decision_reasons",
                    "decided_at",
                    "answered_on_time",
                    "withdrawn_at",
                    "closed_at",
                )
            },
        ),
        (_("Other channels"), {"fields": ("source_appeal", "source_booking")}),
        (_("Consent"), {"fields": ("consent", "consent_at", "consent_ip")}),
    )

    # --- permissions: the page is read-only; steps are the views below ----------------------
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Nothing is edited in place (no Save button): every change is a workflow step.
        return False if obj is not None else super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return selectors.request_list_for_staff(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in CharityRequest._meta.fields] + [
            "missing_documents",
            *MASKED_FIELDS.values(),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if personal_data_visible(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": [MASKED_FIELDS.get(f, f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_list_display(self, request):
        if personal_data_visible(request.user):
            return self.list_display
        return [("applicant_masked" if c == "applicant" else c) for c in self.list_display]

    def get_search_fields(self, request):
        # Searching by IIN would tell a masked viewer whose request it is.
        return self.search_fields if personal_data_visible(request.user) else ("=number",)

    def search_personal_data_visible(self, request) -> bool:
        return personal_data_visible(request.user)

    # --- columns ----------------------------------------------------------------------------
    @admin.display(description=_("applicant"), ordering="full_name")
    def applicant(self, obj):
        return obj.full_name

    @admin.display(description=_("applicant"))
    def applicant_masked(self, obj):
        return mask_name(obj.full_name)

    @admin.display(description=_("full name"))
    def full_name_masked(self, obj):
        return mask_name(obj.full_name)

    @admin.display(description=_("IIN"))
    def iin_masked(self, obj):
        return mask_iin(obj.iin)

    @admin.display(description=_("IIN or identity document"))
    def identity_masked(self, obj):
        """The request's page shows them in full to those who work on it."""
        return identity.mask_identity(obj)

    @admin.display(description=_("identity document number"))
    def id_document_number_masked(self, obj):
        return identity.mask_document_number(obj.id_document_number)

    @admin.display(description=_("address"))
    def address_masked(self, obj):
        return mask_address(obj.address)

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        return _mask_phone(obj.phone.as_e164) if obj.phone else ""

    @admin.display(description=_("e-mail"))
    def email_masked(self, obj):
        return mask_email(obj.email) if obj.email else ""

    @admin.display(description=_("consent given from"))
    def consent_ip_masked(self, obj):
        return "***" if obj.consent_ip else ""

    @admin.display(description=_("aid asked"), ordering="aid_kind")
    def aid_asked(self, obj):
        kind = obj.get_aid_kind_display()
        if obj.amount_requested is None:
            return kind
        return f"{kind}: {tenge(obj.amount_requested)}"

    @admin.display(description=_("answer due"), ordering="due_date")
    def due(self, obj):
        if obj.is_open and obj.due_date < workdays.local_now().date():
            return format_html(
                '<strong class="charity-overdue">{} ({})</strong>',
                f"{obj.due_date:%d.%m.%Y}",
                _("overdue"),
            )
        return f"{obj.due_date:%d.%m.%Y}"

    @admin.display(description=_("flags"))
    def flags(self, obj):
        shown = []
        if obj.flag_recent_aid:
            shown.append(("charity-flag-recent-aid", _("recent aid")))
        if obj.flag_open_request:
            shown.append(("charity-flag-open-request", _("open request")))
        if not shown:
            return "—"
        return format_html_join(" ", '<strong class="{}">{}</strong>', shown)

    @admin.display(description=_("officer"), ordering="officer__username")
    def officer_name(self, obj):
        return person(obj.officer) or "—"

    # --- the request's page -----------------------------------------------------------------
    def get_urls(self):
        own = [
            path(
                "<int:pk>/step/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="charity_charityrequest_action",
            ),
            path(
                "<int:pk>/item/<int:item_id>/<str:action>/",
                self.admin_site.admin_view(self.item_view),
                name="charity_charityrequest_item",
            ),
            path(
                "<int:pk>/document/<int:document_id>/",
                self.admin_site.admin_view(self.document_view),
                name="charity_charityrequest_document",
            ),
            path(
                "<int:pk>/act/<int:item_id>/",
                self.admin_site.admin_view(self.act_view),
                name="charity_charityrequest_act",
            ),
        ]
        return own + super().get_urls()

    def _action_page(self, request, obj, form, title, **extra):
        return self.admin_page(
            request,
            "admin/charity/action_form.html",
            original=obj,
            title=f"{title}: {obj.number}",
            form=form,
            back_url=reverse("admin:charity_charityrequest_change", args=[obj.pk]),
            **extra,
        )

    def _done(self, request, obj, title):
        self.message_user(request, _("Done: %(title)s.") % {"title": title}, messages.SUCCESS)
        return redirect("admin:charity_charityrequest_change", obj.pk)

    def _refused(self, request, obj):
        self.message_user(request, _("You may not do this."), messages.ERROR)
        return redirect("admin:charity_charityrequest_change", obj.pk)

    def action_view(self, request, pk: int, action: str):
        """One workflow step: its form, then the service; a refusal is shown on the form and
        changes nothing."""
        if action not in ACTIONS:
            raise Http404
        spec = ACTIONS[action]
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        # Only the right is checked here: a step whose status does not fit is refused by the
        # service, with its own message.
        if not has_any_perm(request.user, spec.permissions):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = spec.form(data, **_action_form_kwargs(action, obj))
        if data is not None and form.is_valid():
            try:
                _run_action(action, obj, request.user, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                return self._refused(request, obj)
            else:
                return self._done(request, obj, spec.title)
        extra = {}
        if action == "assess":
            extra["income"] = {
                "monthly": tenge(obj.monthly_income),
                "members": obj.members.count() + 1,
                "per_member": tenge(
                    workflow.income_per_member(
                        monthly_income=obj.monthly_income,
                        household_size=obj.household_size or obj.members.count() + 1,
                    )
                ),
                "size": obj.household_size or obj.members.count() + 1,
            }
        return self._action_page(request, obj, form, spec.title, action=action, **extra)

    def item_view(self, request, pk: int, item_id: int, action: str):
        """Hand over an approved item (with its signed act), or cancel it with a reason."""
        if action not in ITEM_ACTIONS:
            raise Http404
        if not item_action_allowed(action, request.user):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        item = get_object_or_404(
            AidItem.objects.select_related("budget_line"), pk=item_id, decision__request=obj
        )
        title = ITEM_ACTIONS[action]
        data = request.POST if request.method == "POST" else None
        if action == "disburse":
            form = admin_forms.DisburseForm(
                data,
                request.FILES if data is not None else None,
                initial={
                    "disbursed_on": workdays.local_now().date(),
                    "amount": item.amount,
                    "handed_over_by": request.user.pk,
                },
            )
        else:
            form = admin_forms.ItemCancelForm(data)
        if data is not None and form.is_valid():
            values = form.cleaned_data
            try:
                if action == "disburse":
                    disbursement.item_disburse(
                        item_id=item.pk,
                        by=request.user,
                        disbursed_on=values["disbursed_on"],
                        method=values["method"],
                        amount=values["amount"],
                        handed_over_by=values["handed_over_by"],
                        act=values["act"],
                        account=values["account"],
                        supplier=values["supplier"],
                        note=values["note"],
                    )
                else:
                    disbursement.item_cancel(
                        item_id=item.pk, by=request.user, reason=values["reason"]
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                return self._refused(request, obj)
            else:
                return self._done(request, obj, title)
        return self._action_page(
            request, obj, form, title, item=item, multipart=action == "disburse"
        )

    def document_view(self, request, pk: int, document_id: int):
        """A document of a request the user may see (else 404), as a download."""
        if not request.user.has_perm("charity.view_requestdocument"):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        document = get_object_or_404(RequestDocument, pk=document_id, request=obj)
        return uploads.download_response(
            document.file, document.original_name, document.content_type
        )

    def act_view(self, request, pk: int, item_id: int):
        """The signed act of receipt of an item handed over, as a download."""
        if not request.user.has_perm("charity.view_disbursement"):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        paid = get_object_or_404(Disbursement, item_id=item_id, item__decision__request=obj)
        return uploads.download_response(paid.act, paid.original_name, paid.content_type)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            context["request_actions"] = [
                (
                    name,
                    spec.title,
                    reverse("admin:charity_charityrequest_action", args=[obj.pk, name]),
                )
                for name, spec in ACTIONS.items()
                if action_allowed(name, obj, user)
            ]
            # Only requests this user may see: the panel must not reveal others' numbers.
            context["overlaps"] = selectors.request_overlaps(request=obj, user=user)
            context["decision"] = self._decision_panel(obj, user)
            # The history in words (charity.history: at most three queries), after the inlines.
            context["history_rows"] = history.request_history(request=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _decision_panel(self, obj, user) -> dict | None:
        decision = (
            CommitteeDecision.objects.filter(request=obj)
            .select_related("meeting", "approved_by", "recorded_by")
            .prefetch_related(
                Prefetch(
                    "items",
                    queryset=AidItem.objects.select_related(
                        "budget_line__programme", "disbursement__handed_over_by"
                    ).order_by("pk"),
                )
            )
            .first()
        )
        if decision is None:
            return None
        pending = decision.is_approved and obj.status in (S.APPROVED, S.PARTLY_APPROVED)
        item_actions = [
            (name, title) for name, title in ITEM_ACTIONS.items() if item_action_allowed(name, user)
        ]
        may_see_acts = user.has_perm("charity.view_disbursement")
        items = []
        for item in decision.items.all():
            paid = getattr(item, "disbursement", None) if item.status == "disbursed" else None
            items.append(
                {
                    "item": item,
                    "amount": tenge(item.amount),
                    "paid": paid,
                    "paid_amount": tenge(paid.amount) if paid else "",
                    "account": mask_account(paid.account) if paid else "",
                    "handed_over_by": person(paid.handed_over_by) if paid else "",
                    "act_url": (
                        reverse("admin:charity_charityrequest_act", args=[obj.pk, item.pk])
                        if paid and may_see_acts
                        else ""
                    ),
                    "actions": [
                        (
                            name,
                            title,
                            reverse(
                                "admin:charity_charityrequest_item", args=[obj.pk, item.pk, name]
                            ),
                        )
                        for name, title in item_actions
                    ]
                    if pending and item.status == enums.ItemStatus.APPROVED
                    else [],
                }
            )
        return {"decision": decision, "items": items}


@admin.register(AidItem)
class AidItemAdmin(ReadOnlyAdminMixin, ShapedSearchMixin, PortalModelAdmin):
    """Granted items across requests: what is still to hand over, by programme and line."""

    list_display = (
        "request_link",
        "description",
        "quantity",
        "unit",
        "value",
        "budget_line",
        "status",
    )
    list_filter = ("status", "budget_line__programme", "budget_line__aid_kind")
    list_select_related = ("decision__request", "budget_line__programme")
    search_fields = ("=decision__request__number",)
    shaped_search = ShapedSearch(number="decision__request__number", number_format=REQUEST_NUMBER)
    fields = ("decision", "budget_line", "description", "quantity", "unit", "amount", "status")
    readonly_fields = (*fields, "cancel_reason")

    def get_queryset(self, request):
        visible = selectors.request_list_for_staff(user=request.user).values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(decision__approved_at__isnull=False, decision__request__in=visible)
        )

    @admin.display(description=_("request"), ordering="decision__request__number")
    def request_link(self, obj):
        request = obj.decision.request
        url = reverse("admin:charity_charityrequest_change", args=[request.pk])
        return format_html('<a href="{}">{}</a>', url, request.number)

    @admin.display(description=_("value, tenge"), ordering="amount")
    def value(self, obj):
        return tenge(obj.amount)


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdminMixin, ShapedSearchMixin, PortalModelAdmin):
    list_display = (
        "disbursed_on",
        "request_link",
        "item",
        "method",
        "value",
        "account_masked",
        "supplier",
        "handed_over",
    )
    list_filter = ("method", "item__budget_line__programme")
    list_select_related = ("item__decision__request", "handed_over_by")
    date_hierarchy = "disbursed_on"
    search_fields = ("=item__decision__request__number",)
    shaped_search = ShapedSearch(
        number="item__decision__request__number", number_format=REQUEST_NUMBER
    )
    fields = (
        "item",
        "disbursed_on",
        "method",
        "amount",
        "account_masked",
        "supplier",
        "handed_over_by",
        "recorded_by",
        "original_name",
        "note",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        visible = selectors.request_list_for_staff(user=request.user).values("pk")
        return super().get_queryset(request).filter(item__decision__request__in=visible)

    @admin.display(description=_("request"), ordering="item__decision__request__number")
    def request_link(self, obj):
        request = obj.item.decision.request
        url = reverse("admin:charity_charityrequest_change", args=[request.pk])
        return format_html('<a href="{}">{}</a>', url, request.number)

    @admin.display(description=_("value handed over, tenge"), ordering="amount")
    def value(self, obj):
        return tenge(obj.amount)

    @admin.display(description=_("bank account (IBAN)"))
    def account_masked(self, obj):
        return mask_account(obj.account)

    @admin.display(description=_("handed over by"))
    def handed_over(self, obj):
        return person(obj.handed_over_by)


# ===== The committee =========================================================================


class MeetingAction(NamedTuple):
    title: str
    form: type


MEETING_ACTIONS = {
    "declare": MeetingAction(_("Declare a conflict of interest"), admin_forms.ConflictForm),
    "decide": MeetingAction(_("Record the decision"), admin_forms.DecisionForm),
    "approve": MeetingAction(_("Approve the decision"), admin_forms.ConfirmForm),
    "defer": MeetingAction(_("Postpone"), admin_forms.DeferForm),
}


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(PortalModelAdmin):
    list_display = (
        "held_on",
        "place",
        "language",
        "chair_name",
        "status",
        "agenda_size",
        "minutes_approved_at",
    )
    list_filter = ("status", "language")
    list_select_related = ("chair",)
    date_hierarchy = "held_on"
    fields = (
        "held_on",
        "place",
        "language",
        "chair",
        "members",
        "status",
        "minutes_approved_at",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(agenda_count=Count("requests"))

    def has_change_permission(self, request, obj=None):
        # The meeting's page is read-only; its steps are the views below.
        return False if obj is not None else super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("chair"), ordering="chair__username")
    def chair_name(self, obj):
        return person(obj.chair)

    @admin.display(description=_("agenda"), ordering="agenda_count")
    def agenda_size(self, obj):
        return obj.agenda_count

    def get_urls(self):
        own = [
            path(
                "<int:pk>/request/<int:request_id>/<str:action>/",
                self.admin_site.admin_view(self.agenda_action_view),
                name="charity_committeemeeting_action",
            ),
            path(
                "<int:pk>/approve-minutes/",
                self.admin_site.admin_view(self.approve_minutes_view),
                name="charity_committeemeeting_approve_minutes",
            ),
            path(
                "<int:pk>/minutes/",
                self.admin_site.admin_view(self.minutes_view),
                name="charity_committeemeeting_minutes",
            ),
        ]
        return own + super().get_urls()

    def _page(self, request, meeting, form, title, **extra):
        return self.admin_page(
            request,
            "admin/charity/action_form.html",
            original=meeting,
            title=title,
            form=form,
            back_url=reverse("admin:charity_committeemeeting_change", args=[meeting.pk]),
            **extra,
        )

    def _back(self, meeting):
        return redirect("admin:charity_committeemeeting_change", meeting.pk)

    def add_view(self, request, form_url="", extra_context=None):
        """Plan a meeting (charity.services.committee.meeting_create)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = admin_forms.MeetingForm(data, initial={"language": "ru", "chair": request.user.pk})
        if data is not None and form.is_valid():
            values = form.cleaned_data
            try:
                meeting = committee.meeting_create(
                    held_on=values["held_on"],
                    chair=values["chair"],
                    members=list(values["members"]),
                    place=values["place"],
                    language=values["language"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                self.message_user(request, _("You may not do this."), messages.ERROR)
                return redirect("admin:charity_committeemeeting_changelist")
            else:
                self.message_user(request, _("The meeting is planned."), messages.SUCCESS)
                return self._back(meeting)
        return self.admin_page(
            request,
            "admin/charity/action_form.html",
            title=_("Plan a committee meeting"),
            form=form,
            back_url=reverse("admin:charity_committeemeeting_changelist"),
        )

    def agenda_action_view(self, request, pk: int, request_id: int, action: str):
        """A member's declaration, the decision on a request, the chair's approval of it, or
        its postponement (to another meeting or back to the officer)."""
        if action not in MEETING_ACTIONS:
            raise Http404
        if not request.user.has_perm("charity.view_committeemeeting"):
            raise PermissionDenied
        meeting = get_object_or_404(CommitteeMeeting.objects.select_related("chair"), pk=pk)
        charity_request = get_object_or_404(meeting.requests.all(), pk=request_id)
        spec = MEETING_ACTIONS[action]
        title = f"{spec.title}: {charity_request.number}"
        data = request.POST if request.method == "POST" else None
        decision = CommitteeDecision.objects.filter(
            request=charity_request, meeting=meeting
        ).first()
        extra = {"agenda_request": charity_request, "decision": decision}
        if action == "declare":
            form = admin_forms.ConflictForm(data)
        elif action == "defer":
            form = admin_forms.DeferForm(data, current=meeting)
        elif action == "decide":
            lines = selectors.budget_lines_for_decision(
                request=charity_request, year=meeting.held_on.year
            )
            initial, items_initial = {}, []
            if decision is not None:
                initial = {"outcome": decision.outcome, "reasons": decision.reasons}
                items_initial = [
                    {
                        "budget_line": i.budget_line_id,
                        "description": i.description,
                        "quantity": i.quantity,
                        "unit": i.unit,
                        "amount": i.amount,
                    }
                    for i in decision.items.order_by("pk")
                ]
            form = admin_forms.DecisionForm(data, initial=initial)
            formset = admin_forms.ItemFormSet(
                data, prefix="items", initial=items_initial, lines=lines
            )
            extra["formset"] = formset
        else:
            if decision is None:
                self.message_user(request, _("No decision is recorded yet."), messages.ERROR)
                return self._back(meeting)
            form = admin_forms.ConfirmForm(data)
            extra["items"] = list(decision.items.select_related("budget_line").order_by("pk"))
        formset = extra.get("formset")
        valid = data is not None and form.is_valid()
        if formset is not None and data is not None:
            valid = formset.is_valid() and valid
        if valid:
            try:
                self._run_agenda_action(
                    action, meeting, charity_request, decision, request.user, form, formset
                )
            except ValidationError as exc:
                if action == "approve":
                    # Nothing changed (one transaction): the chair reads why on the meeting.
                    for text in exc.messages:
                        self.message_user(request, text, messages.ERROR)
                    return self._back(meeting)
                form.add_error(None, exc)
            except PermissionDenied:
                self.message_user(request, _("You may not do this."), messages.ERROR)
                return self._back(meeting)
            else:
                self.message_user(
                    request, _("Done: %(title)s.") % {"title": title}, messages.SUCCESS
                )
                return self._back(meeting)
        return self._page(request, meeting, form, title, **extra)

    @staticmethod
    def _run_agenda_action(action, meeting, charity_request, decision, user, form, formset):
        values = form.cleaned_data
        if action == "declare":
            committee.conflict_declare(
                meeting_id=meeting.pk,
                request_id=charity_request.pk,
                member=user,
                has_conflict=values["has_conflict"],
                note=values["note"],
            )
        elif action == "decide":
            committee.decision_record(
                meeting_id=meeting.pk,
                request_id=charity_request.pk,
                by=user,
                outcome=values["outcome"],
                reasons=values["reasons"],
                items=[
                    committee.ItemInput(
                        budget_line=row["budget_line"],
                        description=row["description"],
                        amount=row["amount"],
                        quantity=row["quantity"],
                        unit=row["unit"],
                    )
                    for row in formset.items()
                ],
            )
        elif action == "defer":
            committee.request_defer(
                request_id=charity_request.pk,
                by=user,
                reason=values["reason"],
                meeting_id=values["meeting"].pk if values["meeting"] else None,
            )
        else:
            committee.decision_approve(decision_id=decision.pk, by=user)

    def approve_minutes_view(self, request, pk: int):
        if not request.user.has_perm("charity.view_committeemeeting"):
            raise PermissionDenied
        meeting = get_object_or_404(CommitteeMeeting, pk=pk)
        data = request.POST if request.method == "POST" else None
        form = admin_forms.ConfirmForm(data)
        if data is not None and form.is_valid():
            try:
                committee.meeting_approve_minutes(meeting_id=meeting.pk, by=request.user)
            except ValidationError as exc:
                for text in exc.messages:
                    self.message_user(request, text, messages.ERROR)
            except PermissionDenied:
                self.message_user(request, _("You may not do this."), messages.ERROR)
            else:
                self.message_user(request, _("The minutes are approved."), messages.SUCCESS)
            return self._back(meeting)
        return self._page(request, meeting, form, _("Approve the minutes"))

    def minutes_view(self, request, pk: int):
        """The printable minutes, in the meeting's language, without the admin's chrome."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        meeting = get_object_or_404(
            CommitteeMeeting.objects.select_related("chair").prefetch_related("members"), pk=pk
        )
        with translation.override(meeting.language):
            html = render_to_string(
                "admin/charity/committeemeeting/minutes.html",
                {
                    "meeting": meeting,
                    "rows": agenda_rows(meeting),
                    "members": meeting_members(meeting),
                },
                request=request,
            )
        return HttpResponse(html)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            is_chair = user.pk == obj.chair_id and user.has_perm("charity.decide_charityrequest")
            open_ = obj.status != enums.MeetingStatus.APPROVED
            rows = agenda_rows(obj)
            for row in rows:
                row["actions"] = self._row_actions(obj, row, user, is_chair, open_)
            context["agenda"] = rows
            context["members"] = meeting_members(obj)
            context["may_approve_minutes"] = is_chair and open_
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _row_actions(meeting, row, user, is_chair, open_) -> list:
        charity_request, decision = row["request"], row["decision"]
        if not open_ or (decision is not None and decision.is_approved):
            return []
        names = []
        member = user.pk in row["member_ids"] and user.has_perm("charity.decide_charityrequest")
        if member:
            names.append("declare")
        mine = row["declared"].get(user.pk)
        if (
            member
            and mine is not None
            and not mine.has_conflict
            and (charity_request.status == S.AT_COMMITTEE)
        ):
            names.append("decide")
        if is_chair and decision is not None:
            names.append("approve")
        if member and charity_request.status == S.AT_COMMITTEE:
            names.append("defer")
        titles = {name: MEETING_ACTIONS[name].title for name in names}
        if mine is not None:
            titles["declare"] = _("Change your declaration")
        return [
            (
                name,
                titles[name],
                reverse(
                    "admin:charity_committeemeeting_action",
                    args=[meeting.pk, charity_request.pk, name],
                ),
            )
            for name in names
        ]


def meeting_members(meeting: CommitteeMeeting) -> list:
    """The chair first, then the members by name."""
    members = sorted(
        (m for m in meeting.members.all() if m.pk != meeting.chair_id),
        key=lambda m: (person(m).lower(), m.pk),
    )
    return [meeting.chair, *members]


def agenda_rows(meeting: CommitteeMeeting) -> list[dict]:
    """Each request on the meeting's agenda with its declarations (who excluded themselves)
    and the decision taken at this meeting with its items; five queries, however long."""
    requests = list(meeting.requests.order_by("number"))
    decisions = {
        d.request_id: d
        for d in CommitteeDecision.objects.filter(meeting=meeting)
        .select_related("approved_by", "recorded_by")
        .prefetch_related(
            Prefetch("items", queryset=AidItem.objects.select_related("budget_line").order_by("pk"))
        )
    }
    declarations = defaultdict(dict)
    for declaration in ConflictDeclaration.objects.filter(meeting=meeting).select_related("member"):
        declarations[declaration.request_id][declaration.member_id] = declaration
    member_ids = {m.pk for m in meeting.members.all()} | {meeting.chair_id}
    rows = []
    for charity_request in requests:
        declared = declarations.get(charity_request.pk, {})
        decision = decisions.get(charity_request.pk)
        rows.append(
            {
                "request": charity_request,
                "decision": decision,
                "items": list(decision.items.all()) if decision else [],
                "total": tenge(sum(i.amount for i in decision.items.all())) if decision else "",
                "declared": declared,
                "declarations": sorted(declared.values(), key=lambda d: d.pk),
                "conflicted": [d.member for d in declared.values() if d.has_conflict],
                "undeclared": len(member_ids - set(declared)),
                "member_ids": member_ids,
            }
        )
    return rows


# ===== Social projects =======================================================================


class PhotoInline(PortalTabularInline):
    model = SocialProjectPhoto
    form = admin_forms.SocialProjectPhotoForm
    fields = ("image", "original_name", "alt_kk", "alt_ru", "alt_en", "alt_zh_hans", "position")
    readonly_fields = ("original_name",)
    extra = 0


@admin.register(SocialProject)
class SocialProjectAdmin(PortalModelAdmin):
    list_display = (
        "title",
        "district",
        "year",
        "status",
        "budget_tenge",
        "spent_tenge",
        "photo_count",
        "is_published",
        "position",
    )
    list_editable = ("is_published", "position")
    list_filter = ("year", "status", "district", "is_published")
    search_fields = ("title_kk", "title_ru", "title_en", "title_zh_hans")
    inlines = (PhotoInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "district",
                    "year",
                    "status",
                    "budget",
                    "spent",
                    "is_published",
                    "position",
                )
            },
        ),
        (_("Title"), {"fields": ("title_kk", "title_ru", "title_en", "title_zh_hans")}),
        (
            _("Description"),
            {
                "fields": (
                    "description_kk",
                    "description_ru",
                    "description_en",
                    "description_zh_hans",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(photos_count=Count("photos"))

    @admin.display(description=_("budget, tenge"), ordering="budget")
    def budget_tenge(self, obj):
        return tenge(obj.budget)

    @admin.display(description=_("spent, tenge"), ordering="spent")
    def spent_tenge(self, obj):
        return tenge(obj.spent)

    @admin.display(description=_("photos"), ordering="photos_count")
    def photo_count(self, obj):
        return obj.photos_count
