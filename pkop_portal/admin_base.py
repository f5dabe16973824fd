"""The base classes of every admin of the portal's apps.

- The object id in an admin URL (`<object_id>/change/`, `/history/`, `/delete/`) must be a
  valid primary key, or the page is a 404, checked before any view code runs: a custom
  `change_view` that filters or reverses with the raw id (e.g. `/appeal/abc/change/`) would
  otherwise fail with a 500.
- Every change form and inline form refuses control characters in text
  (pkop_portal.forms.PortalModelForm) and takes phone numbers in ASCII digits only.
- Every list stays cheap at 100,000 rows and more: no second COUNT of the unfiltered table
  (`show_full_result_count = False`), the planner's row estimate instead of a COUNT on a big
  list as first shown (`EstimatedCountPaginator`), a date hierarchy that reads only the first
  and last date (`PortalChangeList`) instead of a DISTINCT over every row, no facet counts
  (`CheapListMixin`, also given to the user, group and django-axes admins).
"""

import datetime
import json
from collections.abc import Callable
from functools import wraps
from html import escape as escape_text

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    unquote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import (
    EmptyResultSet,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    ValidationError,
)
from django.core.paginator import EmptyPage, Paginator
from django.db import connections, models
from django.db.models import Max, Min, QuerySet
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext
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


# Below this many rows (by the planner's estimate) a list is counted exactly.
ESTIMATE_COUNT_FROM = 20_000


class EstimatedCountPaginator(Paginator):
    """The admin's paginator, except that a big list as the admin first shows it (no filter
    or search chosen by the user) is not counted on PostgreSQL: when the planner expects
    ESTIMATE_COUNT_FROM rows or more, `count` is that estimate (pg_class.reltuples for a bare
    table, kept by autovacuum/ANALYZE; else the row estimate of the list's own plan, e.g.
    with a role's standing filter) instead of a scan of every row. Small tables are counted
    exactly in the same single statement (see _count_or_estimate); filtered lists, searches
    and SQLite are counted as Django does. A page past the estimate is still served (empty
    or short) rather than refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.estimated = False

    @property
    def count(self):
        if "_count" not in self.__dict__:
            counted = _count_or_estimate(self.object_list)
            if counted is None:
                self.__dict__["_count"] = super().count
            else:
                self.__dict__["_count"], self.estimated = counted
        return self.__dict__["_count"]

    def validate_number(self, number):
        if not self.estimated:
            return super().validate_number(number)
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past the estimated end: the rows may be there (the estimate lags behind).
            number = int(number)
            if number < 1:
                raise
            return number

    def page(self, number):
        if not self.count or not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


# Set by PortalChangeList on the QuerySet of a list shown without the user's filters/search.
WHOLE_LIST = "_portal_whole_list"


def _count_or_estimate(object_list) -> tuple[int, bool] | None:
    """(rows, estimated) of an admin list on PostgreSQL, or None to count as Django does.

    One statement for a small table: the exact count, computed only when the table's
    estimate (pg_class.reltuples; -1 when never analysed) is below ESTIMATE_COUNT_FROM (a
    CASE runs only the branch it takes). A big table's unfiltered list takes that estimate; a
    big table's list as first shown with a standing filter (WHOLE_LIST) the row estimate of its
    plan (EXPLAIN), counted exactly only if that is small after all. A list the user filtered
    or searched is counted exactly (None)."""
    if not isinstance(object_list, QuerySet):
        return None
    query = object_list.query
    if (
        query.distinct
        or query.group_by
        or query.combinator
        or query.low_mark
        or query.high_mark is not None
        or query.extra
        or (query.where and not getattr(object_list, WHOLE_LIST, False))
    ):
        return None
    connection = connections[object_list.db]
    if connection.vendor != "postgresql":
        return None
    try:
        inner, params = object_list.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(): Django counts it without a query
        return None
    # `inner` is the list's own SQL as compiled by Django, its values in `params`.
    sql = (
        "SELECT c.reltuples >= %s, CASE WHEN c.reltuples >= %s THEN c.reltuples::bigint "  # noqa: S608
        f"ELSE (SELECT COUNT(*) FROM ({inner}) AS listed) END "
        "FROM pg_class c WHERE c.oid = to_regclass(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                ESTIMATE_COUNT_FROM,
                ESTIMATE_COUNT_FROM,
                *params,
                connection.ops.quote_name(object_list.model._meta.db_table),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    big, rows = row
    if not big:
        return int(rows), False
    if not query.where:
        return int(rows), True
    plan = json.loads(object_list.order_by().values("pk").explain(format="json"))
    planned = int(plan[0]["Plan"]["Plan Rows"])
    if planned >= ESTIMATE_COUNT_FROM:
        return planned, True
    return None


class _CheapDatesMixin:
    """`dates()` / `datetimes()` from the first and last value only (one MIN/MAX query, two
    index probes when the field is indexed) instead of a DISTINCT over every row. Used for the
    date hierarchy of the admin lists: a bucket between the first and last date may be empty."""

    def dates(self, field_name, kind, order="ASC"):
        return self._cheap_buckets(field_name, kind, order, aware=False)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None, is_dst=None):
        if kind not in ("year", "month", "day"):
            return super().datetimes(field_name, kind, order, tzinfo)
        return self._cheap_buckets(field_name, kind, order, aware=True)

    def _cheap_buckets(self, field_name, kind, order, *, aware):
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        first, last = bounds["first"], bounds["last"]
        if first is None or last is None:
            return []
        if isinstance(first, datetime.datetime):
            if timezone.is_aware(first):
                first, last = timezone.localtime(first), timezone.localtime(last)
            first, last = first.date(), last.date()
        buckets = list(_date_buckets(first, last, kind))
        if aware:
            zone = timezone.get_current_timezone()
            buckets = [
                timezone.make_aware(datetime.datetime.combine(day, datetime.time()), zone)
                for day in buckets
            ]
        return buckets[::-1] if order == "DESC" else buckets


def _date_buckets(first: datetime.date, last: datetime.date, kind: str):
    """The first day of every year/month/day from `first` to `last`, inclusive."""
    if kind == "year":
        for year in range(first.year, last.year + 1):
            yield datetime.date(year, 1, 1)
    elif kind == "month":
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            yield datetime.date(year, month, 1)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        day = first
        while day <= last:
            yield day
            day += datetime.timedelta(days=1)


_CHEAP_DATES_CLASSES: dict[type, type] = {}


def with_cheap_dates(queryset: QuerySet) -> QuerySet:
    """The same QuerySet whose dates()/datetimes() read only the first and last value."""
    cls = type(queryset)
    if issubclass(cls, _CheapDatesMixin):
        return queryset
    cheap = _CHEAP_DATES_CLASSES.get(cls)
    if cheap is None:
        cheap = _CHEAP_DATES_CLASSES[cls] = type(
            f"CheapDates{cls.__name__}", (_CheapDatesMixin, cls), {}
        )
    queryset = queryset._chain()
    queryset.__class__ = cheap
    return queryset


# An integer primary key that no row has, reversed once per page in place of each row's.
_PK_SENTINEL = 918273645546372819


class PortalChangeList(ChangeList):
    """The admin's ChangeList with a cheap date hierarchy (see _CheapDatesMixin); the list as
    first shown (no filter, no search) is marked for EstimatedCountPaginator. The change URL
    of a row is reversed once per page (`url_for_result`), and `result_list_context` renders
    the rows as Django's `{% result_list %}` does, with the per-column work done once per page
    (used by templates/admin/<app>/<model>/change_list.html where a list opts in)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if exclude_parameters is None:
            if self.date_hierarchy:
                queryset = with_cheap_dates(queryset)
            setattr(queryset, WHOLE_LIST, not self.query and not self.get_filters_params())
        return queryset

    def _change_url_parts(self, *, preserved: bool) -> tuple[str, str] | None:
        """(before, after) the primary key in a row's change URL (with the list's preserved
        filters when `preserved`), or None when it cannot be split around an integer key."""
        key = ("_portal_change_url", preserved)
        if key not in self.__dict__:
            parts = None
            try:
                url = super().url_for_result(_SentinelRow(self.pk_attname))
            except NoReverseMatch:
                url = None
            if url is not None and preserved:
                context = {"preserved_filters": self.preserved_filters, "opts": self.opts}
                url = add_preserved_filters(context, url)
            if url is not None and url.count(str(_PK_SENTINEL)) == 1:
                before, after = url.split(str(_PK_SENTINEL))
                parts = (before, after)
            self.__dict__[key] = parts
        return self.__dict__[key]

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        parts = self._change_url_parts(preserved=False) if type(pk) is int else None
        if parts is None:
            return super().url_for_result(result)
        return f"{parts[0]}{pk}{parts[1]}"

    def result_list_context(self) -> dict:
        """The context of admin/change_list_results.html, as `{% result_list cl %}` makes it
        (the same HTML, see fast_result_rows)."""
        headers = list(result_headers(self))
        rows = fast_result_rows(self)
        if rows is None:
            from django.contrib.admin.templatetags.admin_list import results

            rows = list(results(self))
        app_label, model_name = self.opts.app_label.lower(), self.opts.model_name
        return {
            "cl": self,
            "result_hidden_fields": list(result_hidden_fields(self)),
            "result_headers": headers,
            "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
            "results": rows,
            "templates": [
                f"admin/{app_label}/{model_name}/change_list_results.html",
                f"admin/{app_label}/change_list_results.html",
                "admin/change_list_results.html",
            ],
        }

    def filters_html(self) -> str:
        """The filters of the sidebar as `{% for spec in cl.filter_specs %}{% admin_list_filter
        cl spec %}{% endfor %}` renders them with Django's admin/filter.html (the same HTML),
        written here instead of one template render per filter and per choice."""
        from django.contrib.admin.templatetags.admin_list import admin_list_filter

        html = []
        for spec in self.filter_specs:
            if spec.template == "admin/filter.html" and _stock_filter_template():
                html.append(_filter_html(spec, list(spec.choices(self))))
            else:
                html.append(admin_list_filter(self, spec))
        return SafeString("".join(html))


def _stock_filter_template() -> bool:
    """Whether admin/filter.html is Django's own (no project override to honour)."""
    global _STOCK_FILTER
    if _STOCK_FILTER is None:
        from django.template.loader import get_template

        name = str(get_template("admin/filter.html").origin.name).replace("\\", "/")
        _STOCK_FILTER = name.endswith("django/contrib/admin/templates/admin/filter.html")
    return _STOCK_FILTER


_STOCK_FILTER: bool | None = None


def _value_html(value) -> str:
    # render_value_in_context for text: str() then conditional_escape.
    if not isinstance(value, str):
        value = str(value)
    return _html(value)


def _filter_html(spec, choices) -> str:
    title = _value_html(spec.title)
    by = gettext(" By %(filter_title)s ") % {"filter_title": title}
    items = "".join(
        '\n    <li{}>\n    <a href="{}">{}</a></li>\n  '.format(
            ' class="selected"' if choice["selected"] else "",
            escape_text(iri_to_uri(choice["query_string"])),
            _value_html(choice["display"]),
        )
        for choice in choices
    )
    return (
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {by}\n  </summary>\n'
        f"  <ul>\n  {items}\n  </ul>\n</details>\n"
    )


class _SentinelRow:
    def __init__(self, attname):
        setattr(self, attname, _PK_SENTINEL)


def _html(value) -> str:
    """conditional_escape(value) as text, with a shortcut for plain and safe strings."""
    if type(value) is str:
        return escape_text(value)
    if isinstance(value, SafeString):
        return value
    return conditional_escape(value)


def _link_in_col(is_first: bool, field_name, cl) -> bool:
    if cl.list_display_links is None:
        return False
    if is_first and not cl.list_display_links:
        return True
    return field_name in cl.list_display_links


def _column_cell(cl, index: int, field_name, *, link: bool, tag: str):
    """A function row -> the HTML of the cell of `field_name` in that row, exactly as
    django.contrib.admin.templatetags.admin_list.items_for_result writes it, with what does
    not depend on the row (the field, the callable, choices, classes, the empty value)
    looked up once."""
    model_admin = cl.model_admin
    default_empty = model_admin.get_empty_value_display()
    base_class = f"field-{_coerce_field_name(field_name, index)}"
    opts = cl.lookup_opts
    try:
        field = _get_non_gfk_field(opts, field_name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName, TypeError):
        field = None

    if field is not None and not field.auto_created:
        related = isinstance(field.remote_field, models.ManyToOneRel)
        nowrap = isinstance(field, (models.DateField, models.TimeField, models.ForeignKey))
        classes = f"{base_class} nowrap" if nowrap else base_class
        choices = None
        if not related and getattr(field, "flatchoices", None):
            try:
                choices = {k: _html(v) for k, v in field.flatchoices}
            except TypeError:  # unhashable choice values: as Django does, per row
                choices = None
        empty_html = _html(default_empty)
        attname = field.name

        def value_html(row):
            value = getattr(row, attname)
            if related:
                return empty_html if value is None else _html(value)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            if choices is not None:
                try:
                    return choices.get(value, empty_html)
                except TypeError:
                    pass
            return _html(display_for_field(value, field, default_empty, avoid_link=link))

        def cell(row):
            try:
                html = value_html(row)
            except ObjectDoesNotExist:
                return f'<{tag} class="{base_class}">{_html(default_empty)}</{tag}>'
            return f'<{tag} class="{classes}">{html}</{tag}>'

        return cell

    # Not a model field (or an auto-created one): a callable, an admin method or an attribute.
    if field is not None:
        attr = None

        def lookup(row):
            return None, getattr(row, field.name)
    elif callable(field_name):
        attr = field_name

        def lookup(row):
            return attr, attr(row)
    elif field_name == "action_checkbox" and _stock_action_checkbox(model_admin):
        attr = getattr(model_admin, field_name)
        checkbox = _checkbox_html(model_admin)

        def lookup(row):
            return attr, checkbox(row)
    elif hasattr(model_admin, field_name) and field_name != "__str__":
        attr = getattr(model_admin, field_name)

        def lookup(row):
            return attr, attr(row)
    else:
        attr = None

        def lookup(row):
            _field, found, value = lookup_field(field_name, row, model_admin)
            return found, value

    special = field_name == "action_checkbox"

    def cell(row):
        classes = "action-checkbox" if special else base_class
        try:
            found, value = lookup(row)
        except ObjectDoesNotExist:
            return f'<{tag} class="{base_class}">{_html(default_empty)}</{tag}>'
        empty = getattr(found, "empty_value_display", default_empty)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        boolean = getattr(found, "boolean", False)
        if isinstance(found, property) and hasattr(found, "fget"):
            boolean = getattr(found.fget, "boolean", False)
        html = _html(display_for_value(value, empty, boolean))
        if isinstance(value, (datetime.date, datetime.time)):
            classes = f"{classes} nowrap"
        return f'<{tag} class="{classes}">{html}</{tag}>'

    return cell


def _stock_action_checkbox(model_admin) -> bool:
    """Whether the admin's action checkbox is Django's own (not overridden)."""
    return getattr(type(model_admin), "action_checkbox", None) is admin.ModelAdmin.action_checkbox


# Stands in for a row's text in the checkbox rendered once per page (letters only: unescaped).
_LABEL_SENTINEL = "PortalRowLabelSentinel"


class _CheckboxRow:
    pk = _PK_SENTINEL

    def __str__(self):
        return _LABEL_SENTINEL


def _checkbox_html(model_admin) -> Callable:
    """row -> Django's action checkbox of that row (ModelAdmin.action_checkbox, one widget
    template render per row), rendered once per page with stand-ins for the row's primary key
    and text and filled in per row."""
    sample = str(model_admin.action_checkbox(_CheckboxRow()))
    if sample.count(str(_PK_SENTINEL)) != 1 or sample.count(_LABEL_SENTINEL) != 1:
        return model_admin.action_checkbox
    pk_mark = str(_PK_SENTINEL)

    def checkbox(row):
        html = sample.replace(pk_mark, escape_text(str(row.pk)))
        return SafeString(html.replace(_LABEL_SENTINEL, escape_text(str(row))))

    return checkbox


def fast_result_rows(cl) -> list | None:
    """The rows of `cl` as `admin_list.results(cl)` gives them (one ResultList per row, here
    holding the whole row's HTML as one item), or None for what it does not cover (editable
    lists, popups, a `to_field`)."""
    if cl.formset is not None or cl.is_popup or cl.to_field:
        return None
    columns = []
    first = True
    for index, field_name in enumerate(cl.list_display):
        link = _link_in_col(first, field_name, cl)
        tag = "td"
        if link:
            tag = "th" if first else "td"
            first = False
        columns.append((link, _column_cell(cl, index, field_name, link=link, tag=tag)))
    parts = cl._change_url_parts(preserved=True)
    pk_attname = cl.lookup_opts.pk.attname
    rows = []
    for row in cl.result_list:
        html = []
        for link, cell in columns:
            text = cell(row)
            if link:
                text = _linked(cl, row, text, parts, pk_attname)
            html.append(text)
        rows.append(ResultList(None, [SafeString("".join(html))]))
    return rows


def _linked(cl, row, cell_html: str, parts, pk_attname) -> str:
    """`cell_html` (<th …>text</th>) with its text made the link to the row's change page."""
    start = cell_html.index(">") + 1
    end = cell_html.rindex("<")
    pk = getattr(row, pk_attname)
    if parts is not None and type(pk) is int:
        href = f"{escape(parts[0])}{pk}{escape(parts[1])}"
    else:
        try:
            url = cl.url_for_result(row)
        except NoReverseMatch:
            return cell_html
        context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
        href = escape(add_preserved_filters(context, url))
    return f'{cell_html[:start]}<a href="{href}">{cell_html[start:end]}</a>{cell_html[end:]}'


class CheapListMixin:
    """The list defaults of every admin of the site (also mixed into the admins of Django's
    and third-party apps re-registered in pkop_portal.admin): no count of the unfiltered
    table, an estimated count of a big unfiltered list, a date hierarchy from the first and
    last date, no facet counts."""

    show_full_result_count = False
    # Facet counts are one more aggregate over the whole list per filter: not offered.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def get_changelist(self, request, **kwargs):
        return PortalChangeList


class PortalModelAdmin(CheapListMixin, admin.ModelAdmin):
    """ModelAdmin with checked object ids, control-character-free change forms and cheap
    lists (CheapListMixin)."""

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


class StateListFilter(admin.SimpleListFilter):
    """A list filter with a default: without its parameter the list shows `default` (e.g. the
    open appeals), unless the query names rows otherwise (a parameter starting with one of
    `asked_for_by`: a status, a date, a search), then `otherwise` (every row). Its choices are
    its lookups, the default one chosen when the parameter is absent; `state()` is the value
    in force, for `queryset`."""

    parameter_name = "state"
    default = ""
    otherwise = "all"
    asked_for_by: tuple[str, ...] = ()

    def asked_for(self) -> bool:
        return any(
            value and name.startswith(self.asked_for_by) for name, value in self.request.GET.items()
        )

    def state(self) -> str:
        value = self.value()
        if value in {choice for choice, _label in self.lookup_choices}:
            return value
        return self.otherwise if self.asked_for() else self.default

    def choices(self, changelist):
        current = self.state()
        for value, label in self.lookup_choices:
            if value == self.default and not self.asked_for():
                query = changelist.get_query_string(remove=[self.parameter_name])
            else:
                query = changelist.get_query_string({self.parameter_name: value})
            yield {"selected": current == value, "query_string": query, "display": label}


class WorkListMixin:
    """A list staff work through all day (the appeal queue, the bookings): opened without the
    admin's app sidebar, so that its columns have the width of the screen (the breadcrumbs and
    the admin index lead everywhere else)."""

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, extra_context)


class KeptRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """RelatedFieldListFilter (same parameters, choices and HTML) whose choices are rows kept
    in the process (`rows`, a pkop_portal.refdata getter returning them in the related
    admin's order) instead of a query per page. Make one with `kept_related_filter(rows)`."""

    rows: Callable | None = None
    label: Callable = str

    def field_choices(self, field, request, model_admin):
        label = type(self).label
        return [(obj.pk, label(obj)) for obj in type(self).rows()]


def kept_related_filter(rows: Callable, label: Callable = str) -> type:
    """A KeptRelatedFieldListFilter for `list_filter = [("field", kept_related_filter(rows))]`;
    `rows()` returns the related rows (all of them, in the related admin's order), each shown
    as `label(row)` (`str` by default)."""
    return type(
        "KeptRelatedFieldListFilter",
        (KeptRelatedFieldListFilter,),
        {"rows": rows, "label": staticmethod(label)},
    )


class PortalTabularInline(admin.TabularInline):
    """TabularInline whose forms refuse control characters in text."""

    form = PortalModelForm
    formfield_overrides = FORMFIELD_OVERRIDES


class ReadOnlyInline(PortalTabularInline):
    """Rows shown under their parent and never edited there (history, messages, files)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """A model admin whose rows are written only by services (logs, export jobs): viewable,
    never added, changed or deleted in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
