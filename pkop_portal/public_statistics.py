"""Selectors of the public statistics page (/<lang>/statistics/): appeals and reception visits
per month of one year, anonymised.

Per month and appeal category: appeals received (by registration date), answered (answered_at
in the month, status answered), the share answered on time (the workflow's `answered_on_time`)
and the median working days to answer (Kazakhstan working days from registration to the answer,
the stored `answer_working_days`, as `appeals.selectors.appeal_statistics` reads it); per
month, the reception visits held (bookings marked attended).

Small counts are hidden with the shared rule (pkop_portal.suppression): within a month the
categories' counts are shown beside the month's total, so a hidden cell gets its complement; a
month's total under MIN_CELL is hidden. No total across months is published, so a month's
hidden figures cannot be recovered from a year total. Shares and medians of fewer than MIN_CELL
answers, or of an answered count that is hidden, are hidden too.

The whole table costs a constant number of queries, and is cached per (year, language).
"""

import re
from collections import defaultdict
from statistics import median

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractMonth
from django.utils.translation import get_language

from appeals import enums
from appeals.models import Appeal, Category
from appeals.selectors import Median, whole_median
from pkop_portal import workdays
from pkop_portal.suppression import is_suppressed, suppress

CACHE_SECONDS = 10 * 60
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)


def statistics_years() -> range:
    """The years the page offers: from the first appeal's registration year to this year (local
    time in Asia/Almaty); just this year while there is no appeal. One query."""
    this_year = workdays.local_now().year
    first = Appeal.objects.order_by().aggregate(first=Min("registration_date"))["first"]
    start = min(first.year, this_year) if first else this_year
    return range(start, this_year + 1)


def statistics_year_parse(*, raw: str | None, years: range) -> int | None:
    """The year asked for in `?year=`: the last of `years` when absent or empty; None when it is
    not four ASCII digits or lies outside `years` (the view answers 404)."""
    if raw is None or raw == "":
        return years[-1]
    if not _YEAR.fullmatch(raw):
        return None
    year = int(raw)
    return year if year in years else None


def _cell(count: int, hidden: bool) -> dict:
    return {"value": None if hidden else count, "hidden": hidden}


def _rate(*, answered: dict, on_time: int, days: list | float | None) -> dict:
    """Share on time (percent, one decimal) and median days, hidden with their answered count
    or when they rest on fewer than MIN_CELL answers."""
    n = answered["value"]
    if n is None or is_suppressed(n):
        return {"on_time_share": None, "median_days": None}
    return {"on_time_share": round(100 * on_time / n, 1), "median_days": days}


def _month_rows(*, categories, received, answered, on_time, medians, month) -> dict:
    """One month's rows: a row per category and the month's total row, suppressed."""
    keys = [c[0] for c in categories]
    rec_counts = [received.get((month, k), 0) for k in keys]
    ans_counts = [answered.get((month, k), 0) for k in keys]
    rec_total, ans_total = sum(rec_counts), sum(ans_counts)
    # A month total under MIN_CELL is hidden; every non-zero cell of it is then small too.
    rec_small, rec_comp = suppress(rec_counts)
    ans_small, ans_comp = suppress(ans_counts)
    rows = []
    for i, (pk, name) in enumerate(categories):
        rec = _cell(rec_counts[i], i in rec_small | rec_comp)
        ans = _cell(ans_counts[i], i in ans_small | ans_comp)
        rows.append(
            {
                "category": name,
                "received": rec,
                "answered": ans,
                **_rate(
                    answered=ans,
                    on_time=on_time.get((month, pk), 0),
                    days=medians.get((month, pk)),
                ),
            }
        )
    total_ans = _cell(ans_total, ans_total > 0 and is_suppressed(ans_total))
    total = {
        "received": _cell(rec_total, rec_total > 0 and is_suppressed(rec_total)),
        "answered": total_ans,
        **_rate(
            answered=total_ans,
            on_time=sum(on_time.get((month, k), 0) for k in keys),
            days=medians.get((month, None)),
        ),
    }
    return {"rows": rows, "total": total}


def public_statistics_compute(*, year: int) -> dict:
    """The page's table for `year`, in the active language (category names), uncached.

    Returns {"year", "months": [{"month": 1..12, "rows": [...], "total": {...}, "visits":
    cell}], "categories": [names]}; a cell is {"value": int | None, "hidden": bool}, a row also
    has "on_time_share" and "median_days" (None when hidden or without answers). Months after
    the current one are left out. Five queries on PostgreSQL and SQLite alike, whatever the
    data: received, answered (with on-time counts and medians per category), the month medians
    (PostgreSQL) or the answered working days (SQLite), visits, categories."""
    from reception.models import Booking

    now = workdays.local_now()
    last_month = now.month if year == now.year else 12
    appeals = Appeal.objects.order_by()
    on_postgres = connections[appeals.db].vendor == "postgresql"

    received = {
        (r["month"], r["category_id"]): r["n"]
        for r in appeals.filter(registration_date__year=year)
        .annotate(month=ExtractMonth("registration_date"))
        .values("month", "category_id")
        .annotate(n=Count("pk"))
    }
    # answered_at's month and year in local time (Django converts to the current time zone).
    answered_qs = appeals.filter(
        status=enums.Status.ANSWERED, answered_at__isnull=False, answered_at__year=year
    ).annotate(month=ExtractMonth("answered_at"))
    aggregates = {"n": Count("pk"), "on_time": Count("pk", filter=Q(answered_on_time=True))}
    if on_postgres:
        aggregates["median"] = Median("answer_working_days")
    answered, on_time, medians = {}, {}, {}
    for r in answered_qs.values("month", "category_id").annotate(**aggregates):
        key = (r["month"], r["category_id"])
        answered[key], on_time[key] = r["n"], r["on_time"]
        if on_postgres:
            medians[key] = whole_median(r["median"])
    if on_postgres:
        for r in answered_qs.values("month").annotate(median=Median("answer_working_days")):
            medians[(r["month"], None)] = whole_median(r["median"])
    else:
        # SQLite has no percentile_cont: the answered appeals' working days, medians in Python.
        days = defaultdict(list)
        for month, category_id, n in answered_qs.filter(
            answer_working_days__isnull=False
        ).values_list("month", "category_id", "answer_working_days"):
            days[(month, category_id)].append(n)
            days[(month, None)].append(n)
        medians = {key: whole_median(median(values)) for key, values in days.items()}

    visits = {
        r["month"]: r["n"]
        for r in Booking.objects.order_by()
        .filter(status=Booking.Status.ATTENDED, slot__starts_at__year=year)
        .annotate(month=ExtractMonth("slot__starts_at"))
        .values("month")
        .annotate(n=Count("pk"))
    }

    used = {pk for _m, pk in received} | {pk for _m, pk in answered}
    categories = [(c.pk, c.name) for c in Category.objects.all() if c.pk in used]
    months = []
    for month in range(1, last_month + 1):
        held = visits.get(month, 0)
        months.append(
            {
                "month": month,
                **_month_rows(
                    categories=categories,
                    received=received,
                    answered=answered,
                    on_time=on_time,
                    medians=medians,
                    month=month,
                ),
                # No total of visits across months is shown: primary suppression suffices.
                "visits": _cell(held, held > 0 and is_suppressed(held)),
            }
        )
    return {"year": year, "months": months, "categories": [name for _pk, name in categories]}


def public_statistics(*, year: int) -> dict:
    """public_statistics_compute(year=year), cached for CACHE_SECONDS per (year, language) in the
    default cache (fail-soft: an outage recomputes)."""
    key = f"public-statistics:v2:{year}:{get_language()}"
    table = cache.get(key)
    if table is None:
        table = public_statistics_compute(year=year)
        cache.set(key, table, CACHE_SECONDS)
    return table
