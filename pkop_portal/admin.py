from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pkop_portal.models import CalendarDay, HotlineLine


@admin.register(HotlineLine)
class HotlineLineAdmin(admin.ModelAdmin):
    list_display = ("language", "phone_national", "position", "is_active", "updated_at")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("phone",)
    readonly_fields = ("updated_at",)

    @admin.display(description=_("phone number"), ordering="phone")
    def phone_national(self, obj):
        return obj.phone_display


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working", "note", "updated_at")
    list_filter = ("is_working",)
    search_fields = ("note",)
    date_hierarchy = "date"
    readonly_fields = ("updated_at",)

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        from django.utils.dateformat import format as date_format

        return date_format(obj.date, "l")
