"""Staff UI for reception schedules (Reception secretary group)."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pkop_portal import workdays
from reception import services
from reception.models import Absence, Booking, BookingEvent, Manager, ScheduleRule, Slot
from reception.slots import slots_generate


class RuleInline(admin.TabularInline):
    model = ScheduleRule
    extra = 0


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


@admin.register(Manager)
class ManagerAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "position_ru", "place", "position", "is_active")
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


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "ends_at", "manager", "capacity", "is_cancelled")
    list_filter = ("manager", "is_cancelled")
    list_select_related = ("manager",)
    date_hierarchy = "starts_at"
    readonly_fields = ("manager", "rule", "starts_at", "ends_at", "capacity")

    def has_add_permission(self, request):
        return False


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ("at", "status", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("number", "slot", "manager", "seat", "status", "full_name", "iin_masked")
    list_filter = ("status", "manager")
    list_select_related = ("slot", "manager", "slot__manager")
    search_fields = ("number", "full_name", "iin", "phone", "email")
    date_hierarchy = "created_at"
    inlines = (BookingEventInline,)
    actions = ("cancel_by_staff",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("IIN"))
    def iin_masked(self, obj):
        return f"{obj.iin[:4]}{'*' * 6}{obj.iin[-2:]}"

    @admin.action(description=_("Cancel (staff)"), permissions=["change"])
    def cancel_by_staff(self, request, queryset):
        for booking in queryset:
            try:
                services.booking_cancel(booking_id=booking.pk, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{booking.number}: {exc.messages[0]}", messages.WARNING)
