"""The base classes of every admin of the portal's apps.

- The object id in an admin URL (`<object_id>/change/`, `/history/`, `/delete/`) must be a
  valid primary key, or the page is a 404, checked before any view code runs: a custom
  `change_view` that filters or reverses with the raw id (e.g. `/appeal/abc/change/`) would
  otherwise fail with a 500.
- Every change form and inline form refuses control characters in text
  (pkop_portal.forms.PortalModelForm) and takes phone numbers in ASCII digits only.
"""

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
