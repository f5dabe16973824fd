"""The staff statistics of appeals (admin, `view_statistics`): a period, its figures with a bar
chart each (pkop_portal.svgcharts), every count a link to the list it counts, and the table as
a CSV download.

The figures are those of the appeals registered in the period (appeals.selectors
.appeal_statistics), plus the reception visits held and missed in it (bookings by the local
date of their slot). A count links to the appeal list filtered the same way: the period as
`registration_date__gte` / `__lt` (the day after the end), the breakdown's filter, and
`state=all` so closed appeals are listed too (the list shows open appeals by default; the open
and overdue counts link without it); the visits link to the booking list with the slot's time
in the period. Nothing personal is on the page or in the file: counts, shares and the names of
categories, kinds, channels and languages only.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appeals import enums, selectors
from appeals.models import Appeal
from pkop_portal import workdays
from pkop_portal.periods import PeriodForm, month_end, months_between
from pkop_portal.spreadsheets import safe_cell
from pkop_portal.svgcharts import Bar, bar_chart

# A longer period shows no month-by-month section (it would be a wall of rows).
MAX_MONTHS_SHOWN = 36


class StatisticsPeriodForm(PeriodForm):
    """The period of the appeal statistics: this month unless another is chosen."""

    DEFAULT = PeriodForm.MONTH


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=workdays.LOCAL_TZ)


@dataclass
class Row:
    """One line of a section: `count` (None: no figure) listed at `url` ("" for a figure that
    is no count of a list, such as a median); `share` in percent of the section's total."""

    key: str
    label: str
    count: int | float | None
    url: str = ""
    share: float | None = None
    unit: str = ""


@dataclass
class Section:
    """A table (and its chart): `column` heads the lines' labels, `counted` their figures."""

    key: str
    title: str
    column: str
    counted: str
    rows: list[Row]
    chart: SafeString = field(default_factory=lambda: SafeString(""))


def booking_counts(*, start: date, end: date) -> dict:
    """Reception visits attended and missed (no-show) whose slot starts from `start` to `end`
    (local dates, both included): {"attended": n, "no_show": n}; one query."""
    from reception.models import Booking

    status = Booking.Status
    return (
        Booking.objects.filter(
            slot__starts_at__gte=_local_midnight(start),
            slot__starts_at__lt=_local_midnight(end + timedelta(days=1)),
        )
        .order_by()
        .aggregate(
            attended=Count("pk", filter=Q(status=status.ATTENDED)),
            no_show=Count("pk", filter=Q(status=status.NO_SHOW)),
        )
    )


class _Links:
    """URLs of the appeal and booking lists filtered to the period."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.appeals = reverse("admin:appeals_appeal_changelist")
        self.bookings = reverse("admin:reception_booking_changelist")

    def appeal(self, *, start=None, end=None, state="all", **filters) -> str:
        """The appeal list: registered from `start` to `end` (default the period), `filters`;
        `state=None` leaves the list's default (open appeals only)."""
        query = {
            "registration_date__gte": (start or self.start).isoformat(),
            "registration_date__lt": ((end or self.end) + timedelta(days=1)).isoformat(),
            **filters,
        }
        if state:
            query["state"] = state
        return f"{self.appeals}?{urlencode(query)}"

    def booking(self, *, status: str) -> str:
        # The date filter of a DateTimeField takes aware datetimes, as its own links give them.
        query = {
            "status__exact": status,
            "slot__starts_at__gte": str(_local_midnight(self.start)),
            "slot__starts_at__lt": str(_local_midnight(self.end + timedelta(days=1))),
            "state": "all",
        }
        return f"{self.bookings}?{urlencode(query)}"


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def _section(key: str, title, column, counted, lines, *, total: int) -> Section:
    """A section of `lines`, (key, label, count, url) each, every share taken of `total`."""
    return Section(
        key=key,
        title=str(title),
        column=str(column),
        counted=str(counted),
        rows=[
            Row(str(line), str(label), count, url, _share(count, total))
            for line, label, count, url in lines
        ],
    )


# The breakdowns of the appeals: (section key, title, column, figures key, list filter).
BREAKDOWNS = (
    ("kind", _("By kind"), _("Kind"), "by_kind", "kind__exact"),
    ("category", _("By category"), _("Category"), "by_category", "category__id__exact"),
    ("channel", _("By channel"), _("Channel"), "by_channel", "channel__exact"),
    ("language", _("By language"), _("Language"), "by_language", "language__exact"),
)


def _summary(stats: dict, links: _Links) -> Section:
    answered_url = links.appeal(status__exact=enums.Status.ANSWERED)
    return Section(
        key="summary",
        title=gettext("Appeals registered in the period"),
        column=gettext("Figure"),
        counted=gettext("Value"),
        rows=[
            Row("total", gettext("All appeals"), stats["total"], links.appeal()),
            Row("open", gettext("Open now"), stats["open_now"], links.appeal(state=None)),
            Row(
                "overdue",
                gettext("Overdue now"),
                stats["overdue_now"],
                links.appeal(state=None, overdue="yes"),
            ),
            Row("answered", gettext("Answered"), stats["answered"], answered_url),
            Row(
                "on-time-share",
                gettext("Answered on time"),
                stats["on_time_share"],
                links.appeal(answered_on_time__exact="1"),
                unit="%",
            ),
            # A median counts no list: it links to the answers it is taken from.
            Row(
                "median",
                gettext("Median working days to answer"),
                stats["median_working_days"],
                answered_url,
            ),
        ],
    )


def _by_month(stats: dict, links: _Links, months: list[date]) -> Section:
    """Appeals per month of the period (the first and last month cut to the period)."""
    counts = {row["value"]: row["count"] for row in stats["by_month"]}
    start, end = links.start, links.end
    return _section(
        "month",
        gettext("By month"),
        gettext("Month"),
        gettext("Appeals"),
        [
            (
                f"{month:%Y-%m}",
                date_format(month, "YEAR_MONTH_FORMAT"),
                counts.get(month, 0),
                links.appeal(
                    start=max(month, start), end=min(month_end(month.year, month.month), end)
                ),
            )
            for month in months
        ],
        total=stats["total"],
    )


def statistics_sections(*, start: date, end: date) -> list[Section]:
    """The page's sections for the appeals registered from `start` to `end` (both included)
    and the visits of those days: "summary", "answers", "kind", "category", "channel",
    "language", "month" (periods of 2 to MAX_MONTHS_SHOWN months), "reception"; each with its
    rows (count, link, share) and its chart. A constant number of queries (those of
    appeal_statistics and one for the bookings)."""
    stats = selectors.appeal_statistics(
        queryset=Appeal.objects.filter(registration_date__gte=start, registration_date__lte=end)
    )
    visits = booking_counts(start=start, end=end)
    links = _Links(start, end)
    on_time, late = stats["on_time"], stats["late"]
    sections = [
        _summary(stats, links),
        _section(
            "answers",
            gettext("Answers on time and late"),
            gettext("Answers"),
            gettext("Appeals"),
            [
                ("on-time", gettext("On time"), on_time, links.appeal(answered_on_time__exact="1")),
                ("late", gettext("Late"), late, links.appeal(answered_on_time__exact="0")),
            ],
            total=stats["answered"],
        ),
    ]
    for key, title, column, figures, parameter in BREAKDOWNS:
        lines = [
            (row["value"], row["label"], row["count"], links.appeal(**{parameter: row["value"]}))
            for row in stats[figures]
        ]
        sections.append(
            _section(key, title, column, gettext("Appeals"), lines, total=stats["total"])
        )
    months = months_between(start, end)
    if 1 < len(months) <= MAX_MONTHS_SHOWN:
        sections.append(_by_month(stats, links, months))
    attended, no_show = visits["attended"], visits["no_show"]
    sections.append(
        _section(
            "reception",
            gettext("Personal reception"),
            gettext("Status"),
            gettext("Visits"),
            [
                ("attended", gettext("Visits held"), attended, links.booking(status="attended")),
                ("no-show", gettext("No-shows"), no_show, links.booking(status="no_show")),
            ],
            total=attended + no_show,
        )
    )
    for section in sections:
        section.chart = _chart(section)
    return sections


_TONES = {"on-time": "good", "late": "bad", "no-show": "muted"}


def _chart(section: Section) -> SafeString:
    """The section's bar chart: the counts of its rows (the summary: none, its figures are of
    different kinds; the answers chart is titled with the on-time share)."""
    if section.key == "summary":
        return SafeString("")
    title = section.title
    if section.key == "answers":
        on_time = section.rows[0].share
        if on_time is not None:
            title = gettext("Answered on time: %(share)s%%") % {"share": _percent(on_time)}
    return bar_chart(
        chart_id=f"chart-{section.key}",
        title=title,
        bars=[Bar(row.label, row.count or 0, _TONES.get(row.key, "")) for row in section.rows],
    )


def _percent(value: float) -> str:
    return number_format(value, decimal_pos=1)


def statistics_csv(*, start: date, end: date, sections: list[Section]) -> HttpResponse:
    """The page's table as a CSV download (UTF-8 with a BOM): section, line, value, share;
    every text cell guarded against formula injection (pkop_portal.spreadsheets.safe_cell)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="appeal-statistics-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([gettext("Section"), gettext("Line"), gettext("Value"), gettext("Share, %")])
    writer.writerow([gettext("Period"), "", f"{start:%d.%m.%Y} – {end:%d.%m.%Y}", ""])
    for section in sections:
        for row in section.rows:
            writer.writerow(
                [
                    safe_cell(section.title),
                    safe_cell(row.label),
                    "" if row.count is None else row.count,
                    "" if row.share is None else row.share,
                ]
            )
    return response


def statistics_view(model_admin, request):
    """The statistics page (needs `appeals.view_statistics`): the period form and, for a valid
    period, its sections; an invalid period shows its errors and no figures."""
    if not request.user.has_perm("appeals.view_statistics"):
        raise PermissionDenied
    form = StatisticsPeriodForm(request.GET or None, today=workdays.local_now().date())
    context = {"form": form, "sections": None}
    if not form.is_bound or form.is_valid():
        start, end = form.period_bounds()
        query = urlencode({"start": start.isoformat(), "end": end.isoformat(),
                           "period": StatisticsPeriodForm.CUSTOM})  # fmt: skip
        context.update(
            start=start,
            end=end,
            sections=statistics_sections(start=start, end=end),
            export_url=f"{reverse('admin:appeals_appeal_statistics_export')}?{query}",
        )
    return model_admin.admin_page(
        request,
        "admin/appeals/appeal/statistics.html",
        title=gettext("Appeal statistics"),
        **context,
    )


def statistics_export_view(model_admin, request):
    """The page's table of the period in the query as CSV (needs `appeals.view_statistics`);
    an invalid period goes back to the page, which shows why."""
    if not request.user.has_perm("appeals.view_statistics"):
        raise PermissionDenied
    form = StatisticsPeriodForm(request.GET or None, today=workdays.local_now().date())
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('admin:appeals_appeal_statistics')}?{request.GET.urlencode()}")
    start, end = form.period_bounds()
    return statistics_csv(start=start, end=end, sections=statistics_sections(start=start, end=end))
