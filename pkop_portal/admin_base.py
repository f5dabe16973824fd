"""The base classes of every admin of the portal's apps.

- The object id in an admin URL (`<object_id>/change/`, `/history/`, `/delete/`) must be a
  valid primary key, or the page is a 404, checked before any view code runs: a custom
  `change_view` that filters or reverses with the raw id (e.g. `/appeal/abc/change/`) would
  otherwise fail with a 500.
- Every change form and inline form refuses control characters in text
  (pkop_portal.forms.PortalModelForm) and takes phone numbers in ASCII digits only.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import URLPattern
from phonenumber_field.modelfields import PhoneNumberField

from pkop_portal.forms import PhoneField, PortalModelForm

# Staff type phone numbers under the same rule as the public (ASCII digits and separators).
FORMFIELD_OVERRIDES = {PhoneNumberField: {"form_class": PhoneField}}


def is_valid_object_id(model, object_id: str) -> bool:
    """Whether `object_id` from a URL is the canonical spelling of a possible primary key of
    `model`: it converts, fits the column (e.g. no integer beyond the database's range) and
    converts back to itself (so `１２` or `012` are not another name for 12)."""
    pk = model._meta.pk
    raw = unquote(object_id)
    try:
        value = pk.to_python(raw)
        pk.run_validators(value)
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return value is not None and str(value) == raw


def _object_id_checked(model, view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not is_valid_object_id(model, kwargs.get("object_id", "")):
            raise Http404
        return view(request, *args, **kwargs)

    return checked


class PortalModelAdmin(admin.ModelAdmin):
    """ModelAdmin with checked object ids and control-character-free change forms."""

    form = PortalModelForm
    formfield_overrides = FORMFIELD_OVERRIDES

    def get_urls(self):
        urls = []
        for url in super().get_urls():
            if isinstance(url, URLPattern) and "object_id" in url.pattern.converters:
                url = URLPattern(
                    url.pattern,
                    _object_id_checked(self.model, url.callback),
                    url.default_args,
                    url.name,
                )
            urls.append(url)
        return urls

    def admin_page(self, request, template: str, **context) -> TemplateResponse:
        """One of this admin's own pages (a step's form, a report, a confirmation) in the
        admin's frame: the site's context and this model's options, plus `context`."""
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, **context}
        return TemplateResponse(request, template, context)


class PortalTabularInline(admin.TabularInline):
    """TabularInline whose forms refuse control characters in text."""

    form = PortalModelForm
    formfield_overrides = FORMFIELD_OVERRIDES


# Apps whose data exists only for some staff register here (their AppConfig.ready): the portal
# itself knows none of them.
# app_label -> predicate(user) -> bool: whether the user may see that app's data.
_VISIBLE_TO: dict[str, Callable] = {}
# check(request, user_ids) -> bool: whether deleting these accounts must be refused (neutrally).
_ACCOUNT_DELETION_GUARDS: list[Callable] = []


def hidden_from_outsiders(app_label: str, predicate: Callable) -> None:
    """Register `app_label` as hidden from every staff member for whom `predicate(user)` is
    false: the site's autocomplete answers them a 404 for its models (see
    `hide_from_autocomplete`)."""
    _VISIBLE_TO[app_label] = predicate


def account_deletion_guard(check: Callable) -> None:
    """Register `check(request, user_ids) -> bool`: when true, the user admin refuses to delete
    those accounts with a neutral reason (deactivate instead), listing nothing."""
    if check not in _ACCOUNT_DELETION_GUARDS:
        _ACCOUNT_DELETION_GUARDS.append(check)


# Guards of group membership and group permissions (e.g. the hotline's Compliance groups), each
# an object with: guarded_groups() and guarded_permissions() (QuerySets), may_change(user),
# set_membership(*, by, user, group, member), set_permission(*, by, group, permission,
# granted), password_change_refused(*, by, user) and acting(user) (a context manager around
# an admin request). The user and group admins consult every registered guard.
_MEMBERSHIP_GUARDS: list = []


def membership_guard(guard) -> None:
    if guard not in _MEMBERSHIP_GUARDS:
        _MEMBERSHIP_GUARDS.append(guard)


def membership_guards() -> list:
    return list(_MEMBERSHIP_GUARDS)


def account_deletion_refused(request, user_ids) -> bool:
    ids = list(user_ids)
    return any(check(request, ids) for check in _ACCOUNT_DELETION_GUARDS)


def hide_from_autocomplete(site) -> None:
    """The site's autocomplete (`admin/autocomplete/`) answers a 404, as for an unknown model,
    to a staff member who names a model of an app hidden from them (`hidden_from_outsiders`)
    as the source or whose field leads to one: that app does not exist for them."""
    view = site.autocomplete_view

    @wraps(view)
    def autocomplete_view(request):
        user = request.user
        if user.is_active and user.is_staff:
            for app_label, may_see in list(_VISIBLE_TO.items()):
                if _autocomplete_reaches(site, request.GET, app_label) and not may_see(user):
                    raise Http404
        return view(request)

    site.autocomplete_view = autocomplete_view


def _autocomplete_reaches(site, params, app_label: str) -> bool:
    if params.get("app_label") == app_label:
        return True
    try:
        source = next(
            m
            for m in site._registry
            if m._meta.app_label == params.get("app_label")
            and m._meta.model_name == params.get("model_name")
        )
        field = source._meta.get_field(params.get("field_name", ""))
    except Exception:  # an unknown source: the view itself refuses it
        return False
    remote = getattr(field.remote_field, "model", None)
    return remote is not None and remote._meta.app_label == app_label
