from contextlib import ExitStack

from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pkop_portal import exports_admin  # noqa: F401  (registers the background export jobs)
from pkop_portal.admin_base import (
    CheapListMixin,
    PortalModelAdmin,
    account_deletion_refused,
    hide_from_autocomplete,
    membership_guards,
)
from pkop_portal.models import CalendarDay, ConsentText, HotlineLine, StaffProfile


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


hide_from_autocomplete(admin.site)


def _acting(request):
    stack = ExitStack()
    for guard in membership_guards():
        stack.enter_context(guard.acting(request.user))
    return stack


class GuardedMembershipMixin:
    """Groups and permissions guarded by another app (admin_base.membership_guard): hidden from
    the choices of whoever may not change them, kept as they are when such a user saves the
    form, and changed through the guard's own service otherwise."""

    guarded_field = ""  # "groups" on users, "permissions" on groups

    def _guarded(self, guard):
        if self.guarded_field == "groups":
            return guard.guarded_groups()
        return guard.guarded_permissions()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and db_field.name == self.guarded_field:
            for guard in membership_guards():
                if not guard.may_change(request.user):
                    formfield.queryset = formfield.queryset.exclude(
                        pk__in=self._guarded(guard).values("pk")
                    )
                    formfield.error_messages["invalid_choice"] = gettext(
                        "Only a Compliance head may change who is in the Compliance groups "
                        "or what they may do."
                    )
        return formfield

    def changeform_view(self, request, *args, **kwargs):
        with _acting(request):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with _acting(request):
            return super().delete_view(request, *args, **kwargs)

    def save_related(self, request, form, formsets, change):
        field = self.guarded_field
        if field in form.cleaned_data:
            obj = form.instance
            chosen = set(form.cleaned_data[field])
            current = set(getattr(obj, field).all()) if change else set()
            for guard in membership_guards():
                guarded = set(self._guarded(guard))
                if not guard.may_change(request.user):
                    # Keep them as they are (they were not offered).
                    chosen = (chosen - guarded) | (current & guarded)
                    continue
                for item in guarded & (chosen ^ current):
                    if field == "groups":
                        guard.set_membership(
                            by=request.user, user=obj, group=item, member=item in chosen
                        )
                    else:
                        guard.set_permission(
                            by=request.user, group=obj, permission=item, granted=item in chosen
                        )
            form.cleaned_data[field] = list(chosen)
        super().save_related(request, form, formsets, change)


class StaffProfileFormSet(BaseInlineFormSet):
    """A user form posted without this inline (a page or client that did not show it) leaves
    the profile as it is, instead of failing on the missing management form."""

    def __init__(self, data=None, *args, prefix=None, **kwargs):
        if data is not None:
            key = f"{prefix or self.get_default_prefix()}-{TOTAL_FORM_COUNT}"
            if key not in data:
                data = data.copy()
                data[key] = data[key.replace(TOTAL_FORM_COUNT, INITIAL_FORM_COUNT)] = "0"
        super().__init__(data, *args, prefix=prefix, **kwargs)


class StaffProfileInline(admin.StackedInline):
    """The staff member's position in the four languages, printed under their full name when
    they sign an answer (pkop_portal.signatures)."""

    model = StaffProfile
    formset = StaffProfileFormSet
    can_delete = False
    fields = ("position_kk", "position_ru", "position_en", "position_zh_hans")


class PortalUserAdmin(CheapListMixin, GuardedMembershipMixin, UserAdmin):
    """Django's user admin, except that
    - deleting an account an app guards (admin_base.account_deletion_guard, e.g. one linked to
      hotline data or in a Compliance group) is refused with a neutral reason and lists nothing
      (deactivate such accounts);
    - guarded groups (admin_base.membership_guard) are changed only by whoever the guard
      allows, and a guarded member's password only by themselves or such a user."""

    guarded_field = "groups"
    inlines = (StaffProfileInline,)

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        if account_deletion_refused(request, [o.pk for o in objs]):
            reason = gettext(
                "records that must be kept (deactivate the account instead of deleting it)"
            )
            return [], {}, set(), [reason]
        return super().get_deleted_objects(objs, request)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None:
            for guard in membership_guards():
                if guard.password_change_refused(by=request.user, user=user):
                    raise PermissionDenied(
                        gettext(
                            "Only the member themselves or a Compliance head may change "
                            "this password."
                        )
                    )
        return super().user_change_password(request, id, form_url)


class PortalGroupAdmin(CheapListMixin, GuardedMembershipMixin, GroupAdmin):
    guarded_field = "permissions"


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PortalUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, PortalGroupAdmin)


def _cheap_lists(model) -> None:
    """Re-register a third-party app's admin of `model` with the site's cheap list defaults."""
    current = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(current.__name__, (CheapListMixin, current), {}))


# The security logs of django-axes (registered by axes' own admin module, imported before this
# one: INSTALLED_APPS order) grow with every login.
for _model in (AccessAttempt, AxesAccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        _cheap_lists(_model)


# ----- The admin index (issue 12): the staff member's tiles above the apps, and the apps in
# order of use in the index and the nav sidebar (pkop_portal.dashboard). -----
_site_index = admin.site.index
_site_get_app_list = admin.site.get_app_list


def _index_with_dashboard(request, extra_context=None):
    from pkop_portal import dashboard

    context = {"dashboard_tiles": dashboard.dashboard_tiles(request), **(extra_context or {})}
    return _site_index(request, extra_context=context)


def _app_list_in_order(request, app_label=None):
    """The app list in order of use, built only when a page reads it: every admin page's
    context carries it (AdminSite.each_context) for the nav sidebar, which the work lists
    (admin_base.WorkListMixin) do not show; building it checks every model's permissions."""
    from django.utils.functional import SimpleLazyObject

    from pkop_portal import dashboard

    return SimpleLazyObject(lambda: dashboard.apps_in_order(_site_get_app_list(request, app_label)))


admin.site.index = _index_with_dashboard
admin.site.get_app_list = _app_list_in_order
