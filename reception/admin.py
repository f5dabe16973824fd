"""Staff UI for reception schedules (Reception secretary group)."""

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from appeals.enums import Kind
from appeals.models import Category
from appeals.receipts import talon_redirect
from charity.admin_forms import BookingToCharityForm
from charity.models import CharityRequest
from charity.services import channels as charity_channels
from pkop_portal import identity, workdays
from pkop_portal.admin_base import (
    PortalModelAdmin,
    PortalTabularInline,
    StateListFilter,
    WorkListMixin,
)
from pkop_portal.admin_search import ShapedSearch, ShapedSearchMixin, code_number
from pkop_portal.forms import FormKeyField, PortalForm, new_form_key
from reception import history, selectors, services
from reception.models import Absence, Booking, Manager, ScheduleRule, Slot
from reception.slots import slots_generate


class RuleInline(PortalTabularInline):
    model = ScheduleRule
    extra = 0


class AbsenceInline(PortalTabularInline):
    model = Absence
    extra = 0


@admin.register(Manager)
class ManagerAdmin(PortalModelAdmin):
    list_display = ("name_ru", "position_ru", "place_ru", "position", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("name_kk", "name_ru", "name_en", "name_zh_hans")
    inlines = (RuleInline, AbsenceInline)
    actions = ("generate_slots",)

    @admin.action(description=_("Create the slots of the booking horizon"), permissions=["change"])
    def generate_slots(self, request, queryset):
        from datetime import timedelta

        today = workdays.local_now().date()
        end = today + timedelta(days=settings.RECEPTION_HORIZON_DAYS)
        created = sum(slots_generate(manager=m, start=today, end=end) for m in queryset)
        self.message_user(
            request,
            ngettext("%(count)d slot created.", "%(count)d slots created.", created)
            % {"count": created},
            messages.SUCCESS,
        )


class SlotCancelForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason (kept in each booking's history)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=500,
    )


def _active_bookings_count():
    """A slot's active bookings as a correlated subquery: computed for the rows of the page
    only, where a COUNT over a join would group every slot before the page is cut."""
    active = (
        Booking.objects.filter(slot=OuterRef("pk"), is_active=True)
        .order_by()
        .values("slot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(active, output_field=IntegerField()), 0)


@admin.register(Slot)
class SlotAdmin(PortalModelAdmin):
    list_display = ("starts_at", "ends_at", "manager", "capacity", "booked", "is_cancelled")
    # Date filters, not a date hierarchy: no MIN/MAX over the list (and its joins) per page.
    list_filter = ("manager", "is_cancelled", ("starts_at", admin.DateFieldListFilter))
    list_select_related = ("manager",)
    list_per_page = 50
    # Cancelling is an action (slot_cancel notifies the citizens), never a tick in place.
    readonly_fields = ("manager", "rule", "starts_at", "ends_at", "capacity", "is_cancelled")
    actions = ("cancel_slots",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(booked_count=_active_bookings_count())

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("active bookings"), ordering="booked_count")
    def booked(self, obj):
        return obj.booked_count

    @admin.action(
        description=_("Cancel the selected times and notify the citizens"), permissions=["change"]
    )
    def cancel_slots(self, request, queryset):
        """First a confirmation page listing the times and the bookings hit; on confirmation
        each time is cancelled through reception.services.slot_cancel."""
        confirmed = request.POST.get("confirm") == "yes"
        form = SlotCancelForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            slots = bookings = 0
            for slot in queryset:
                try:
                    cancelled = services.slot_cancel(
                        slot_id=slot.pk, by=request.user, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    self.message_user(request, f"{slot}: {exc.messages[0]}", messages.WARNING)
                else:
                    slots += 1
                    bookings += len(cancelled)
            if slots:
                self.message_user(
                    request,
                    _("Reception times cancelled: %(slots)d; citizens notified: %(bookings)d.")
                    % {"slots": slots, "bookings": bookings},
                    messages.SUCCESS,
                )
            return None
        slots = list(
            queryset.select_related("manager").prefetch_related(
                Prefetch(
                    "bookings",
                    queryset=Booking.objects.filter(is_active=True).order_by("seat"),
                    to_attr="active_bookings",
                )
            )
        )
        return self.admin_page(
            request,
            "admin/reception/slot/cancel_confirmation.html",
            title=_("Cancel reception times"),
            slots=slots,
            selected=[slot.pk for slot in slots],
            form=form,
            action_name="cancel_slots",
            action_checkbox_name=ACTION_CHECKBOX_NAME,
        )


# A booking's history is shown in words on its page (reception.history), not as raw rows.


class ConflictFilter(admin.SimpleListFilter):
    """Active bookings hit by a later absence, calendar override or cancelled slot."""

    title = _("conflicts")
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return [("yes", _("Day off, absence or cancelled time"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.filter(pk__in=selectors.booking_conflict_ids())


class VisitStateFilter(StateListFilter):
    """The booking list opens on the visits still to handle: booked, whatever the day (today's
    and later ones to receive, earlier ones to mark attended or not come), earliest first.
    `state=all` lists every booking; a status, a date, a manager, a conflict or a search
    chosen lists every booking they match unless `state` is given."""

    title = _("visits")
    default = "to_handle"
    asked_for_by = ("status__", "slot__starts_at__", "manager__", "conflict", "q")

    def lookups(self, request, model_admin):
        return [
            ("to_handle", _("Booked: to receive or to mark")),
            ("all", pgettext_lazy("list filter", "All")),
        ]

    def queryset(self, request, queryset):
        if self.state() != "to_handle":
            return queryset
        return queryset.filter(status=Booking.Status.BOOKED)


class VisitForm(PortalForm):
    summary = forms.CharField(label=_("Visit summary"), widget=forms.Textarea, required=False)


class ToAppealForm(PortalForm):
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=Kind.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(label=_("Text of the appeal"), widget=forms.Textarea)
    form_key = FormKeyField()


def may_make_charity_request(booking: Booking, user) -> bool:
    """Whether "Register as a charity request" is offered: a visit that took place and is not
    yet a charity request, for those who log visits (the checks of
    charity.services.channels.request_from_booking, which the service runs again)."""
    return (
        booking.status == Booking.Status.ATTENDED
        and user.has_perm("reception.change_booking")
        and not CharityRequest.objects.filter(source_booking_id=booking.pk).exists()
    )


@admin.register(Booking)
class BookingAdmin(WorkListMixin, ShapedSearchMixin, PortalModelAdmin):
    list_display = (
        "number",
        "visit_time",
        "manager",
        "seat",
        "status",
        "full_name",
        "iin_masked",
        "no_shows",
        "appeal",
    )
    list_filter = (
        VisitStateFilter,
        "status",
        "manager",
        ConflictFilter,
        ("slot__starts_at", admin.DateFieldListFilter),
    )
    list_select_related = ("slot", "manager", "appeal")
    list_per_page = 50
    # The search reads the query's shape (pkop_portal.admin_search): a booking number (with or
    # without "R-"), an IIN, a phone, an e-mail, an identity document's number through their
    # indexes, else words of the name
    # or topic (full text on PostgreSQL, GIN indexes of migration 0004).
    search_fields = ("number", "full_name", "topic")
    shaped_search = ShapedSearch(
        number="number",
        # As reception.services._new_number writes them: "R-" and 8 characters.
        number_format=code_number("R", alphabet=services.NUMBER_ALPHABET, length=8),
        iin=("iin",),
        phone=("phone",),
        email=("email",),
        id_document=("id_document_number",),
        text=("topic",),
        names=("full_name",),
    )
    ordering = ("slot__starts_at", "seat")
    actions = ("cancel_by_staff", "mark_no_show")
    # The manage link's nonce (half of its secret, the key being the other) and its hash are
    # never shown; nor the form key of the booking form.
    exclude = ("token_nonce", "token_hash", "idempotency_key")

    def get_queryset(self, request):
        return selectors.booking_list_for_staff()

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Booking._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("time"), ordering="slot__starts_at")
    def visit_time(self, obj):
        return f"{obj.slot.starts_at.astimezone(workdays.LOCAL_TZ):%d.%m.%Y %H:%M}"

    @admin.display(description=_("IIN or identity document"))
    def iin_masked(self, obj):
        """The list shows neither in full; the booking's page does."""
        return identity.mask_identity(obj)

    @admin.display(description=_("no-shows"), ordering="no_show_count")
    def no_shows(self, obj):
        return obj.no_show_count

    @admin.action(description=_("Cancel (staff)"), permissions=["change"])
    def cancel_by_staff(self, request, queryset):
        for booking in queryset:
            try:
                services.booking_cancel(booking_id=booking.pk, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{booking.number}: {exc.messages[0]}", messages.WARNING)

    @admin.action(description=_("Mark: did not come"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        for booking in queryset:
            try:
                services.booking_mark_visit(booking_id=booking.pk, by=request.user, attended=False)
            except ValidationError as exc:
                self.message_user(request, f"{booking.number}: {exc.messages[0]}", messages.WARNING)

    def get_urls(self):
        own = [
            path("agenda/", self.admin_site.admin_view(self.agenda_view), name="reception_agenda"),
            path(
                "<int:pk>/visit/",
                self.admin_site.admin_view(self.visit_view),
                name="reception_booking_visit",
            ),
            path(
                "<int:pk>/to-charity/",
                self.admin_site.admin_view(self.to_charity_view),
                name="reception_booking_to_charity",
            ),
            path(
                "<int:pk>/to-appeal/",
                self.admin_site.admin_view(self.to_appeal_view),
                name="reception_booking_to_appeal",
            ),
        ]
        return own + super().get_urls()

    def agenda_view(self, request):
        """The printable day agenda of one manager (or all)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            day = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = workdays.local_now().date()
        manager_id = request.GET.get("manager") or None
        return self.admin_page(
            request,
            "admin/reception/booking/agenda.html",
            title=_("Reception agenda"),
            day=day,
            managers=Manager.objects.filter(is_active=True),
            manager_id=int(manager_id) if manager_id and manager_id.isdigit() else None,
            bookings=selectors.booking_agenda(
                day=day, manager_id=int(manager_id) if manager_id and manager_id.isdigit() else None
            ),
        )

    def _booking_form_view(
        self, request, pk, form_class, title, run, initial=None, done=None, allowed=None
    ):
        """A small form that calls `run(booking, data)`; then `done(result)` gives the response
        (default: back to the booking). Needs the change permission unless `allowed` (a
        predicate on the user) says otherwise."""
        if not (allowed(request.user) if allowed else self.has_change_permission(request)):
            raise PermissionDenied
        booking = get_object_or_404(Booking.objects.select_related("slot", "manager"), pk=pk)
        form = form_class(request.POST or None, initial=initial or {})
        if request.method == "POST" and form.is_valid():
            try:
                result = run(booking, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("Done: %(title)s.") % {"title": title})
                if done is not None:
                    return done(result)
                return redirect("admin:reception_booking_change", booking.pk)
        return self.admin_page(
            request,
            "admin/reception/booking/form.html",
            original=booking,
            title=f"{title}: {booking.number}",
            form=form,
        )

    def visit_view(self, request, pk):
        return self._booking_form_view(
            request,
            pk,
            VisitForm,
            _("Mark: attended"),
            lambda booking, data: services.booking_mark_visit(
                booking_id=booking.pk, by=request.user, attended=True, summary=data["summary"]
            ),
        )

    def to_appeal_view(self, request, pk):
        """Register the visit's issue as an appeal, then show its talon (number and code) as
        the appeals admin's registration does."""
        if not services.booking_may_register_appeal(request.user):
            raise PermissionDenied
        booking = get_object_or_404(Booking, pk=pk)
        return self._booking_form_view(
            request,
            pk,
            ToAppealForm,
            _("Register as an appeal"),
            lambda booking, data: services.booking_to_appeal(
                booking_id=booking.pk,
                by=request.user,
                kind=data["kind"],
                category=data["category"],
                subject=data["subject"],
                text=data["text"],
                form_key=data["form_key"],
            ),
            initial={
                "subject": booking.topic,
                "text": booking.visit_summary or booking.description or booking.topic,
                "form_key": new_form_key(),
            },
            done=lambda result: talon_redirect(request, result),
            allowed=services.booking_may_register_appeal,
        )

    def to_charity_view(self, request, pk):
        """Register the visit as a charity request in one step
        (charity.services.channels.request_from_booking): the visitor's data copied, both
        linked, the visitor sent the new number and access code by e-mail or SMS."""
        booking = get_object_or_404(Booking, pk=pk)
        if not may_make_charity_request(booking, request.user):
            raise PermissionDenied

        def done(result):
            self.message_user(
                request,
                _(
                    "Charity request %(number)s was made from this visit; the visitor receives "
                    "its number and access code."
                )
                % {"number": result.request.number},
                messages.SUCCESS,
            )
            if request.user.has_perm("charity.view_charityrequest"):
                return redirect("admin:charity_charityrequest_change", result.request.pk)
            return redirect("admin:reception_booking_change", booking.pk)

        return self._booking_form_view(
            request,
            pk,
            BookingToCharityForm,
            _("Register as a charity request"),
            lambda booking, data: charity_channels.request_from_booking(
                booking_id=booking.pk, by=request.user, **data
            ),
            initial={
                "aid_description": booking.visit_summary or booking.description or booking.topic
            },
            done=done,
            allowed=lambda user: may_make_charity_request(booking, user),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["booking_actions"] = [
            (reverse("admin:reception_booking_visit", args=[object_id]), _("Mark: attended")),
        ]
        booking = Booking.objects.filter(pk=object_id).first()
        if booking is not None:
            # The history in words (reception.history: one query), after the booking's fields.
            extra_context["history_rows"] = history.booking_history(booking=booking)
        if booking is not None and may_make_charity_request(booking, request.user):
            extra_context["booking_actions"].append(
                (
                    reverse("admin:reception_booking_to_charity", args=[object_id]),
                    _("Register as a charity request"),
                )
            )
        if services.booking_may_register_appeal(request.user):
            extra_context["booking_actions"].append(
                (
                    reverse("admin:reception_booking_to_appeal", args=[object_id]),
                    _("Register as an appeal"),
                )
            )
        return super().change_view(request, object_id, form_url, extra_context)
