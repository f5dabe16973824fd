from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pkop_portal.admin_base import PortalModelAdmin
from pkop_portal.models import CalendarDay, ConsentText, HotlineLine


@admin.register(HotlineLine)
class HotlineLineAdmin(PortalModelAdmin):
    list_display = ("language", "phone_national", "position", "is_active", "updated_at")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("phone",)
    readonly_fields = ("updated_at",)

    @admin.display(description=_("phone number"), ordering="phone")
    def phone_national(self, obj):
        return obj.phone_display


@admin.register(CalendarDay)
class CalendarDayAdmin(PortalModelAdmin):
    list_display = ("date", "weekday", "is_working", "note", "updated_at")
    list_filter = ("is_working",)
    search_fields = ("note",)
    date_hierarchy = "date"
    readonly_fields = ("updated_at",)

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        from django.utils.dateformat import format as date_format

        return date_format(obj.date, "l")


@admin.register(ConsentText)
class ConsentTextAdmin(PortalModelAdmin):
    list_display = ("purpose", "version", "valid_from")
    list_filter = ("purpose",)
    readonly_fields = (
        "purpose",
        "version",
        "text_kk",
        "text_ru",
        "text_en",
        "text_zh_hans",
        "valid_from",
    )

    def has_change_permission(self, request, obj=None):
        return False  # a consent text once agreed to is never edited; add a new version
