"""Statistics of the hotline.

* `compliance_statistics` (Compliance only, logged): reports received in a period by category
  and by status, days to acknowledge and to conclude (average, median; calendar days between
  local dates, as the deadlines count), and the on-time share of acknowledgements (within 7
  days) and of feedback (the conclusion within 3 months of the acknowledgement). A step counts
  once it is done or overdue: a report still waiting inside its deadline is in neither part.
* `public_summary` (the policy page): reports received in a year by category and by
  conclusion (with "not concluded yet"), small counts suppressed with the rule shared with the
  charity report (pkop_portal.suppression): any non-empty cell under MIN_CELL hidden, with
  complements so that no hidden cell can be derived from the shown total; a year with fewer
  than MIN_CELL reports in all shows no figure at all.

Anonymised reports count like any other: retention keeps category, status, conclusion and dates.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import mean, median

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hotline import access, deadlines, enums
from hotline.models import Report
from pkop_portal.suppression import is_suppressed, suppress

NOT_CONCLUDED = "not_concluded"


@dataclass(frozen=True)
class Durations:
    count: int
    average: float | None
    median: float | None


@dataclass(frozen=True)
class OnTime:
    on_time: int
    counted: int  # done, or overdue and not done

    @property
    def share(self) -> float | None:
        return self.on_time / self.counted if self.counted else None


@dataclass(frozen=True)
class ComplianceStatistics:
    start: date
    end: date
    total: int
    by_category: dict[str, int]
    by_status: dict[str, int]
    days_to_acknowledge: Durations
    days_to_conclude: Durations
    acknowledgement_on_time: OnTime
    feedback_on_time: OnTime


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _received_between(queryset, start: date, end: date):
    low, high = _bounds(start, end)
    return queryset.filter(received_at__gte=low, received_at__lt=high)


def _durations(values: list[int]) -> Durations:
    if not values:
        return Durations(count=0, average=None, median=None)
    return Durations(count=len(values), average=round(mean(values), 1), median=median(values))


def compliance_statistics(*, by, start: date, end: date) -> ComplianceStatistics:
    """The statistics of the reports received from `start` to `end` (local dates, inclusive)
    that `by` may see. PermissionDenied outside Compliance; the access is logged."""
    if not access.is_compliance(by):
        raise PermissionDenied
    access.log_access(
        user=by,
        action=enums.AccessAction.STATISTICS,
        detail=f"{start:%d.%m.%Y}–{end:%d.%m.%Y}",
    )
    today = timezone.localdate()
    rows = list(
        _received_between(access.reports_for(by), start, end).values(
            "category",
            "status",
            "received_at",
            "acknowledge_due",
            "acknowledged_at",
            "feedback_due",
            "concluded_at",
        )
    )
    local = timezone.localdate
    by_category = dict.fromkeys(enums.Category.values, 0)
    by_status = dict.fromkeys(enums.Status.values, 0)
    to_acknowledge, to_conclude = [], []
    ack_on_time = ack_counted = fb_on_time = fb_counted = 0
    for row in rows:
        by_category[row["category"]] += 1
        by_status[row["status"]] += 1
        received = local(row["received_at"])
        if row["acknowledged_at"]:
            acknowledged = local(row["acknowledged_at"])
            to_acknowledge.append((acknowledged - received).days)
            ack_counted += 1
            ack_on_time += acknowledged <= row["acknowledge_due"]
        elif row["acknowledge_due"] < today:
            ack_counted += 1
        if row["concluded_at"]:
            concluded = local(row["concluded_at"])
            to_conclude.append((concluded - received).days)
        if row["acknowledged_at"] and row["concluded_at"]:
            due = row["feedback_due"] or deadlines.feedback_due_for(row["acknowledged_at"])
            fb_counted += 1
            fb_on_time += local(row["concluded_at"]) <= due
        elif row["acknowledged_at"] and row["feedback_due"] and row["feedback_due"] < today:
            fb_counted += 1
    return ComplianceStatistics(
        start=start,
        end=end,
        total=len(rows),
        by_category=by_category,
        by_status=by_status,
        days_to_acknowledge=_durations(to_acknowledge),
        days_to_conclude=_durations(to_conclude),
        acknowledgement_on_time=OnTime(on_time=ack_on_time, counted=ack_counted),
        feedback_on_time=OnTime(on_time=fb_on_time, counted=fb_counted),
    )


@dataclass
class SummaryCell:
    key: str
    label: str | Promise
    count: int = 0
    suppressed: bool = False
    small: bool = False  # hidden for its own count, not as a complement


@dataclass
class PublicSummary:
    year: int
    total: int
    by_category: list[SummaryCell] = field(default_factory=list)
    by_conclusion: list[SummaryCell] = field(default_factory=list)
    suppressed: bool = False  # fewer than MIN_CELL reports: no figure is shown

    @property
    def has_data(self) -> bool:
        return self.total > 0


def _suppress_cells(cells: list[SummaryCell]) -> None:
    small, complements = suppress([cell.count for cell in cells])
    for position in small:
        cells[position].suppressed = cells[position].small = True
    for position in complements:
        cells[position].suppressed = True


def public_summary(year: int) -> PublicSummary:
    """Reports received in `year` by category and by conclusion, small counts suppressed (no
    personal data in it). Two aggregate queries."""
    reports = _received_between(Report.objects.all(), date(year, 1, 1), date(year, 12, 31))
    grouped = reports.order_by()
    categories = dict(
        grouped.values("category").annotate(n=Count("id")).values_list("category", "n")
    )
    conclusions = dict(
        grouped.values("conclusion").annotate(n=Count("id")).values_list("conclusion", "n")
    )
    total = sum(categories.values())
    by_category = [
        SummaryCell(key=value, label=label, count=categories.get(value, 0))
        for value, label in enums.Category.choices
    ]
    by_conclusion = [
        SummaryCell(key=value, label=label, count=conclusions.get(value, 0))
        for value, label in enums.Conclusion.choices
    ]
    by_conclusion.append(
        SummaryCell(key=NOT_CONCLUDED, label=_("Not concluded yet"), count=conclusions.get("", 0))
    )
    summary = PublicSummary(
        year=year, total=total, by_category=by_category, by_conclusion=by_conclusion
    )
    if summary.has_data and is_suppressed(total):
        summary.suppressed = True
        for cell in by_category + by_conclusion:
            cell.suppressed = cell.small = cell.count > 0
        return summary
    _suppress_cells(by_category)
    _suppress_cells(by_conclusion)
    return summary
