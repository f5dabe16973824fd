"""The staff UI for appeals: registration, triage and the workflow, through services only."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from appeals import (
    admin_forms,
    admin_queue,
    admin_steps,
    deadlines,
    enums,
    exports,
    history,
    receipts,
    selectors,
    services,
    statistics,
    workflow,
)
from appeals.history import person_full
from appeals.models import (
    Appeal,
    AppealAttachment,
    AppealMessage,
    Category,
    ExportLog,
)
from charity.admin_forms import ToCharityForm
from charity.services import channels as charity_channels
from pkop_portal import access_codes, identity, refdata, uploads, workdays
from pkop_portal.admin_base import (
    PortalModelAdmin,
    ReadOnlyInline,
    WorkListMixin,
    kept_related_filter,
)
from pkop_portal.admin_search import ShapedSearch, ShapedSearchMixin, yearly_number
from pkop_portal.forms import new_form_key
from pkop_portal.masking import mask_address, mask_email, mask_iin, mask_name, mask_phone


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Overdue")),
            ("soon", _("Due within 3 working days")),
            ("urgent", _("Overdue or due within 3 working days")),
        ]

    def queryset(self, request, queryset):
        today = workdays.local_now().date()
        if self.value() == "yes":
            return queryset.filter(selectors.appeal_q_overdue(today=today))
        if self.value() == "soon":
            return queryset.filter(selectors.appeal_q_due_soon(today=today))
        if self.value() == "urgent":
            horizon = workdays.add_working_days(today, deadlines.WARN_WORKING_DAYS)
            return selectors.appeal_filter_answer_due_by(queryset, by=horizon)
        return queryset


class RedirectFilter(admin.SimpleListFilter):
    """Appeals still registered and unassigned whose 3-working-day redirect deadline is near."""

    title = _("redirect deadline")
    parameter_name = "redirect"

    def lookups(self, request, model_admin):
        return [("urgent", _("Redirect overdue or due within 3 working days"))]

    def queryset(self, request, queryset):
        if self.value() != "urgent":
            return queryset
        return queryset.filter(
            selectors.appeal_q_redirect_urgent(today=workdays.local_now().date())
        )


class ExportFilter(admin.SimpleListFilter):
    """The appeals of one export (linked from the export log); hidden until used."""

    title = _("export")
    parameter_name = "export"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, _("Export no. %(id)s") % {"id": value})] if value else []

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(export_logs=int(value))


# The choices of the category and executor filters, kept in the process (pkop_portal.refdata)
# instead of two queries on every page of the list: every category in its admin's order; the
# staff (who alone can be executors) by name, each shown by full name.
filter_categories = refdata.register(
    "appeals.admin.filter_categories",
    load=lambda: tuple(Category.objects.order_by("position", "id")),
    models=[Category],
)
filter_users = refdata.register(
    "appeals.admin.filter_users",
    load=lambda: tuple(
        get_user_model()
        .objects.filter(is_staff=True)
        .order_by("last_name", "first_name", get_user_model().USERNAME_FIELD)
    ),
    models=[get_user_model()],
    # Each login writes last_login only: it must not drop every kept page in every process.
    ignore_fields=["last_login"],
)


class AttachmentInline(ReadOnlyInline):
    model = AppealAttachment
    fields = ("original_name", "content_type", "size", "message", "created_at", "download")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("admin:appeals_appeal_attachment", args=[obj.appeal_id, obj.pk])
        return format_html('<a href="{}" class="attachment-download">{}</a>', url, _("Download"))


class MessageInline(ReadOnlyInline):
    model = AppealMessage
    fields = ("created_at", "text")
    readonly_fields = fields


# action: (form, permission of its view, title); which steps an appeal offers to whom, and the
# primary one, is appeals.admin_steps.
WORKFLOW_FORMS = {
    "assign": admin_forms.AssignForm,
    "extend": admin_forms.ExtendForm,
    "redirect": admin_forms.RedirectForm,
    "answer": admin_forms.AnswerForm,
    "not_considered": admin_forms.NotConsideredForm,
    "refer": admin_forms.ReferForm,
    "note": admin_forms.NoteForm,
    "link_repeat": admin_forms.LinkRepeatForm,
    "dismiss_repeat": admin_forms.DismissRepeatForm,
}
WORKFLOW = {
    action: (form, admin_steps.STEPS[action].permission, admin_steps.STEPS[action].title)
    for action, form in WORKFLOW_FORMS.items()
}
# Long texts the changelist never shows.
LIST_DEFERRED = (
    "text",
    "protocol",
    "address",
    "answer_reasoning",
    "answer_legal_basis",
    "rating_comment",
)
# Staff shown by name on the appeal's page, not as accounts (usernames).
PERSON_FIELDS = ("registered_by_name", "executor_name")
# Personal data shown masked to those who may not see it in full (appeal_personal_data_visible).
MASKED_FIELDS = {
    "full_name": "full_name_masked",
    "iin": "iin_masked",
    "id_document_number": "id_document_number_masked",
    "address": "address_masked",
    "phone": "phone_masked",
    "email": "email_masked",
    "consent_ip": "consent_ip_masked",
}


def may_send_to_charity(appeal: Appeal, user) -> bool:
    """Whether the "Send to the charity procedure" button is offered: an open appeal of the
    charity category not yet made a charity request, for its executor or a Head (the checks
    of appeals.workflow.appeal_redirect_to_charity, which the service runs again)."""
    return (
        appeal.is_open
        and appeal.category.slug == "charity"
        and user.has_perm("appeals.change_appeal")
        and (appeal.executor_id == user.pk or user.has_perm("appeals.assign_appeal"))
        and charity_request_of(appeal) is None
    )


def charity_request_of(appeal: Appeal):
    """The charity request made from `appeal`, or None (the reverse one-to-one)."""
    try:
        return appeal.charity_request
    except ObjectDoesNotExist:
        return None


def _run_workflow(action: str, appeal: Appeal, user, data: dict) -> workflow.StepResult:
    if action == "assign":
        return workflow.appeal_assign(
            appeal_id=appeal.pk, by=user, executor=data["executor"], department=data["department"]
        )
    if action == "extend":
        return workflow.appeal_extend(
            appeal_id=appeal.pk, by=user, new_due=data["new_due"], reason=data["reason"]
        )
    if action == "redirect":
        return workflow.appeal_redirect(
            appeal_id=appeal.pk, by=user, to_body=data["to_body"], reason=data["reason"]
        )
    if action == "answer":
        return workflow.appeal_answer(
            appeal_id=appeal.pk,
            by=user,
            outcome=data["outcome"],
            reasoning=data["reasoning"],
            legal_basis=data["legal_basis"],
        )
    if action == "link_repeat":
        return workflow.appeal_link_repeat(
            appeal_id=appeal.pk, by=user, earlier_id=data["earlier"].pk
        )
    if action == "dismiss_repeat":
        return workflow.appeal_dismiss_repeat(appeal_id=appeal.pk, by=user)
    if action == "refer":
        return workflow.appeal_refer(
            appeal_id=appeal.pk,
            by=user,
            authority=data["authority"],
            referred_on=data["referred_on"],
            note=data["note"],
        )
    if action == "not_considered":
        return workflow.appeal_not_consider(
            appeal_id=appeal.pk, by=user, reason=data["reason"], note=data["note"]
        )
    return workflow.appeal_add_note(appeal_id=appeal.pk, by=user, note=data["note"])


@admin.register(Appeal)
class AppealAdmin(admin_queue.QueueAdminMixin, WorkListMixin, ShapedSearchMixin, PortalModelAdmin):
    # The work queue (appeals.admin_queue): what is open, how long is left, who works on it.
    # "days_left" is made per request (get_list_display): its counts are kept for one page.
    list_display = (
        "number",
        admin_queue.subject,
        "category_name",
        "applicant",
        "days_left",
        admin_queue.executor_name,
        "status",
    )
    list_filter = (
        admin_queue.StateFilter,
        admin_queue.QueueFilter,
        "status",
        OverdueFilter,
        RedirectFilter,
        ExportFilter,
        "possible_repeat",
        "possible_crime",
        "kind",
        ("category", kept_related_filter(filter_categories)),
        "channel",
        ("executor", kept_related_filter(filter_users, label=person_full)),
        "language",
        "is_collective",
        "answered_on_time",
        # A filter, not a date hierarchy: the hierarchy's MIN/MAX under a search or a filter
        # walks an index testing every row (seconds at 100,000 appeals); this costs no query.
        ("registration_date", admin.DateFieldListFilter),
    )
    # The search box reads the query's shape (pkop_portal.admin_search): a registration number
    # (full or partial), an IIN or BIN, a phone, an e-mail, else words of the subject and text
    # (and of the applicant's name for those who see personal data), each through an index.
    search_fields = ("number", "subject", "text")
    shaped_search = ShapedSearch(
        number="number",
        number_format=yearly_number(services.NUMBER_PREFIX),
        iin=("iin", "bin"),
        phone=("phone",),
        email=("email",),
        id_document=("id_document_number",),
        text=("subject", "text"),
        names=("full_name", "organisation_name"),
    )
    ordering = ("due_date", "id")
    list_select_related = ("category", "executor")
    list_per_page = 50
    # The history is rendered in words above these (appeals.history), not as raw rows.
    inlines = (MessageInline, AttachmentInline)
    fieldsets = (
        (None, {"fields": ("number", "status", "kind", "category", "channel", "language")}),
        (
            _("Applicant"),
            {
                "fields": (
                    "applicant_type",
                    "full_name",
                    "iin",
                    "id_document_kind",
                    "id_document_number",
                    "organisation_name",
                    "bin",
                    "address",
                    "phone",
                    "email",
                    "preferred_contact",
                    "is_anonymous",
                    "possible_crime",
                )
            },
        ),
        (
            _("Appeal"),
            {
                "fields": (
                    "subject",
                    "text",
                    "is_collective",
                    "cosigners_count",
                    "protocol",
                    "possible_repeat",
                    "repeat_of",
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
                    "redirect_due_date",
                    "registered_by_name",
                    "executor_name",
                    "department",
                )
            },
        ),
        (
            _("Result"),
            {
                "fields": (
                    "outcome",
                    "answer_reasoning",
                    "answer_legal_basis",
                    "answer_signatory",
                    "answered_at",
                    "answered_on_time",
                    "redirected_to",
                    "not_considered_reason",
                    "rating_satisfied",
                    "rating_comment",
                )
            },
        ),
        (_("Consent"), {"fields": ("consent", "consent_at", "consent_ip")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Nothing is edited in place: every change goes through a workflow service.
        return [f.name for f in Appeal._meta.fields] + [*MASKED_FIELDS.values(), *PERSON_FIELDS]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if selectors.appeal_personal_data_visible(user=request.user):
            return fieldsets
        return [
            (name, {**options, "fields": [MASKED_FIELDS.get(f, f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_list_display(self, request):
        masked = not selectors.appeal_personal_data_visible(user=request.user)
        columns = {
            "days_left": admin_queue.days_left_column(),
            "applicant": "applicant_masked" if masked else "applicant",
        }
        return [columns.get(c, c) if isinstance(c, str) else c for c in self.list_display]

    def search_personal_data_visible(self, request):
        # Searching by IIN, phone or name would tell a masked viewer whose appeal it is.
        return selectors.appeal_personal_data_visible(user=request.user)

    def get_queryset(self, request):
        queryset = selectors.appeal_list_for_staff(user=request.user)
        match = request.resolver_match
        if match is not None and match.url_name == "appeals_appeal_changelist":
            # The list shows none of the long texts: 50 rows need not carry them; it joins only
            # list_select_related (no registrar). Nor the phone: a PhoneNumberField parses each
            # value with phonenumbers when loaded, the largest cost of a page after the template.
            queryset = queryset.select_related(None).defer(*LIST_DEFERRED, "phone")
        return queryset

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("category"), ordering="category__position")
    def category_name(self, obj):
        return obj.category.name

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return obj.applicant_name or _("anonymous")

    @admin.display(description=_("applicant"))
    def applicant_masked(self, obj):
        if not obj.full_name:
            return obj.organisation_name or _("anonymous")
        name = mask_name(obj.full_name)
        return f"{obj.organisation_name} ({name})" if obj.organisation_name else name

    @admin.display(description=_("full name"))
    def full_name_masked(self, obj):
        return mask_name(obj.full_name)

    @admin.display(description=_("IIN"))
    def iin_masked(self, obj):
        return mask_iin(obj.iin)

    @admin.display(description=_("identity document number"))
    def id_document_number_masked(self, obj):
        return identity.mask_document_number(obj.id_document_number)

    @admin.display(description=_("postal address"))
    def address_masked(self, obj):
        return mask_address(obj.address)

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        return mask_phone(obj.phone.as_e164) if obj.phone else ""

    @admin.display(description=_("e-mail"))
    def email_masked(self, obj):
        return mask_email(obj.email) if obj.email else ""

    @admin.display(description=_("consent given from"))
    def consent_ip_masked(self, obj):
        return "***" if obj.consent_ip else ""

    @admin.display(description=_("working days left"), ordering="due_date")
    def days_left(self, obj):
        # The list uses a per-request column (admin_queue.days_left_column) in its place.
        return admin_queue.days_left_column()(obj)

    # --- Registration and workflow views -----------------------------------------------------
    def get_urls(self):
        own = [
            path(
                "<int:pk>/workflow/<str:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="appeals_appeal_workflow",
            ),
            path(
                "<int:pk>/to-charity/",
                self.admin_site.admin_view(self.to_charity_view),
                name="appeals_appeal_to_charity",
            ),
            path(
                "<int:pk>/attachment/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="appeals_appeal_attachment",
            ),
            path(
                "export/<str:file_format>/",
                self.admin_site.admin_view(self.export_view),
                name="appeals_appeal_export",
            ),
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="appeals_appeal_statistics",
            ),
            path(
                "statistics/export/",
                self.admin_site.admin_view(self.statistics_export_view),
                name="appeals_appeal_statistics_export",
            ),
            path(
                "talon/",
                self.admin_site.admin_view(self.talon_view),
                name="appeals_appeal_talon",
            ),
        ]
        return own + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        """Registration of a paper or oral appeal (replaces the model form)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = admin_forms.RegistrationForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    result = services.appeal_submit(
                        data=services.appeal_input_from_form(
                            data,
                            language=data["language"],
                            channel=data["channel"],
                            protocol=data["protocol"],
                            is_anonymous=data["is_anonymous"],
                            possible_crime=data["possible_crime"],
                        ),
                        received_at=data["received_at"],
                        registered_by=request.user,
                        form_key=data["form_key"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    return receipts.talon_redirect(request, result)
        else:
            form = admin_forms.RegistrationForm(
                initial={
                    "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                    "language": request.LANGUAGE_CODE,
                    "channel": enums.Channel.BOX,
                    "form_key": new_form_key(),
                }
            )
        return self.admin_page(
            request,
            "admin/appeals/appeal/register.html",
            title=_("Register an appeal"),
            form=form,
        )

    def export_view(self, request, file_format: str):
        """The filtered changelist as CSV or XLSX (Head): appeals.exports owns how."""
        return exports.appeal_export_view(self, request, file_format)

    def attachment_view(self, request, pk: int, attachment_id: int):
        """An attachment as a download, only of an appeal the user may see (else 404): always
        `attachment` with a safe name and the type detected on upload, never rendered inline."""
        if not request.user.has_perm("appeals.view_appealattachment"):
            raise PermissionDenied
        appeal = get_object_or_404(self.get_queryset(request), pk=pk)
        attachment = get_object_or_404(AppealAttachment, pk=attachment_id, appeal=appeal)
        content_type = attachment.content_type
        if content_type not in uploads.ALLOWED:
            content_type = uploads.UNKNOWN_TYPE
        try:
            handle = attachment.file.open("rb")
        except OSError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=uploads.download_name(attachment.original_name, content_type),
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def statistics_view(self, request):
        """Statistics of a period with charts (view_statistics): appeals.statistics owns how."""
        return statistics.statistics_view(self, request)

    def statistics_export_view(self, request):
        """The statistics table of a period as CSV (view_statistics)."""
        return statistics.statistics_export_view(self, request)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["can_export"] = request.user.has_perm("appeals.export_appeal")
        extra_context["can_see_statistics"] = request.user.has_perm("appeals.view_statistics")
        return super().changelist_view(request, extra_context)

    def talon_view(self, request):
        """The talon of the appeal this officer just registered, with its access code, for as
        long as the talon cookie lasts (appeals.receipts) and the code is still valid."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        remembered = receipts.talon_recall(request)
        if remembered is None:
            return redirect("admin:appeals_appeal_changelist")
        appeal = get_object_or_404(
            self.get_queryset(request).select_related("registered_by"), pk=remembered.appeal_id
        )
        if not access_codes.check_access_code(
            number=appeal.number, code=remembered.code, stored_hash=appeal.access_code_hash
        ):
            return redirect("admin:appeals_appeal_change", appeal.pk)
        return self.admin_page(
            request,
            "admin/appeals/appeal/talon.html",
            title=_("Receipt (talon)"),
            appeal=appeal,
            code=access_codes.format_code(remembered.code),
        )

    def workflow_view(self, request, pk: int, action: str):
        if action not in WORKFLOW:
            raise PermissionDenied
        form_class, permission, title = WORKFLOW[action]
        appeal = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm(f"appeals.{permission}"):
            raise PermissionDenied
        kwargs = {"appeal": appeal, "user": request.user} if action == "link_repeat" else {}
        form = form_class(request.POST or None, **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                outcome = _run_workflow(action, appeal, request.user, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                self.message_user(request, _("You may not do this."), messages.ERROR)
                return redirect("admin:appeals_appeal_change", appeal.pk)
            else:
                self.message_user(request, _("Done: %(title)s.") % {"title": title})
                if outcome.warning:
                    self.message_user(request, outcome.warning, messages.WARNING)
                return redirect("admin:appeals_appeal_change", appeal.pk)
        # The answer is written beside the citizen's appeal and shows who signs it.
        beside = (
            admin_steps.answer_context(appeal=appeal, user=request.user)
            if action == "answer"
            else {}
        )
        return self.admin_page(
            request,
            "admin/appeals/appeal/workflow.html",
            original=appeal,
            title=f"{title}: {appeal.number}",
            form=form,
            step_title=title,
            **beside,
        )

    def to_charity_view(self, request, pk: int):
        """Send an appeal of the charity category to the charitable assistance procedure: a
        charity request made from it in one step (charity.services.channels.request_from_appeal:
        the applicant's data copied, both linked, the appeal redirected, the applicant sent the
        new number and access code by the channel they chose)."""
        appeal = get_object_or_404(self.get_queryset(request), pk=pk)
        if not may_send_to_charity(appeal, request.user):
            raise PermissionDenied
        title = _("Send to the charity procedure")
        data = request.POST if request.method == "POST" else None
        form = ToCharityForm(data, initial={"aid_description": appeal.text})
        if data is not None and form.is_valid():
            try:
                result = charity_channels.request_from_appeal(
                    appeal_id=appeal.pk, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                self.message_user(request, _("You may not do this."), messages.ERROR)
                return redirect("admin:appeals_appeal_change", appeal.pk)
            else:
                charity_request = result.request
                self.message_user(
                    request,
                    _(
                        "Charity request %(number)s was made from this appeal; the applicant "
                        "receives its number and access code."
                    )
                    % {"number": charity_request.number},
                    messages.SUCCESS,
                )
                if request.user.has_perm("charity.view_charityrequest"):
                    return redirect("admin:charity_charityrequest_change", charity_request.pk)
                return redirect("admin:appeals_appeal_change", appeal.pk)
        return self.admin_page(
            request,
            "admin/appeals/appeal/workflow.html",
            original=appeal,
            title=f"{title}: {appeal.number}",
            form=form,
            step_title=title,
        )

    @admin.display(description=_("registered by"))
    def registered_by_name(self, obj):
        return history.person_full(obj.registered_by) if obj.registered_by_id else "—"

    @admin.display(description=_("executor"))
    def executor_name(self, obj):
        return history.person_full(obj.executor) if obj.executor_id else "—"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # The history in words (two queries), which also tells whether a referral is on
            # record; then the next steps this user is offered (appeals.admin_steps).
            context["history_rows"] = history.appeal_history(appeal=obj)
            referred = any(r.kind == history.Kind.REFERRED for r in context["history_rows"])
            context["step_groups"] = admin_steps.appeal_steps(
                appeal=obj,
                user=request.user,
                referred=referred,
                to_charity=may_send_to_charity(obj, request.user),
            )
            charity_request = charity_request_of(obj)
            if charity_request is not None and request.user.has_perm("charity.view_charityrequest"):
                context["charity_request"] = charity_request
            # Only appeals this user may see: the panel must not reveal others' numbers.
            context["possible_repeats"] = selectors.appeal_possible_repeats(
                appeal=obj, user=request.user
            )
            # Nothing on the page is edited (every change is a step): "View", no Save or Delete.
            context.update(
                title=_("View %s") % self.opts.verbose_name,
                show_save=False,
                show_save_and_continue=False,
                show_save_and_add_another=False,
                show_delete=False,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Category)
class CategoryAdmin(PortalModelAdmin):
    list_display = (
        "slug",
        "name_kk",
        "name_ru",
        "name_en",
        "name_zh_hans",
        "position",
        "is_active",
    )
    list_editable = ("position", "is_active")
    search_fields = ("slug", "name_kk", "name_ru", "name_en", "name_zh_hans")


@admin.register(ExportLog)
class ExportLogAdmin(PortalModelAdmin):
    list_display = ("at", "by", "file_format", "row_count", "appeals_exported", "filters")
    list_filter = ("file_format",)
    list_select_related = ("by",)
    date_hierarchy = "at"
    # The appeals are shown as a count with a link, not a list of hundreds of numbers.
    fields = ("at", "by", "file_format", "row_count", "appeals_exported", "filters")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(appeal_count=Count("appeals"))

    @admin.display(description=_("appeals exported"), ordering="appeal_count")
    def appeals_exported(self, obj):
        changelist = reverse("admin:appeals_appeal_changelist")
        url = f"{changelist}?{ExportFilter.parameter_name}={obj.pk}"
        return format_html('<a href="{}" class="export-appeals">{}</a>', url, obj.appeal_count)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
