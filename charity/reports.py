"""What the public pages of the charity app show: the yearly report of the aid handed over (by
category, district and kind of aid, without personal data), the document checklist, the
current programmes and the published social projects.

The yearly report
-----------------
* A **family** is a request. It counts in the year of its *first* disbursement, so a family
  helped in December and again in January is counted once, in December's year.
* The **sum** of a year is what was handed over in that year: the Disbursement rows whose
  `disbursed_on` falls in it (so a second item handed over in January adds to January's year).
* Three one-dimensional tables (category, district, kind of aid) and the overall totals. A
  cross-table category x district is deliberately not published: almost every cell of it would
  be about fewer than MIN_CELL families.
* Kind of aid is what was handed over (the budget line of each item), so a family helped with
  money and goods counts in both rows; the sums of the rows still add up to the total.

Small-count suppression
-----------------------
1. Primary: a cell about fewer than MIN_CELL families (`is_suppressed`) shows neither its
   count nor its sum. A cell with money but no family counted in the year (a later item of a
   family counted in an earlier year) is about fewer than MIN_CELL families too. A cell with
   no family and no money shows 0: there is nothing to protect.
2. Secondary: the total is shown, so a lone hidden cell could be recovered by subtracting the
   shown cells from it, and two hidden cells of one family each would let either family work
   out the other's sum. So, within each table, while fewer than two cells are hidden or the
   hidden cells together cover fewer than MIN_CELL families, the smallest shown cell (fewest
   families, then the smaller sum, then table order) is hidden too. Whatever can be worked out
   by subtraction is then a sum over at least MIN_CELL families, like any shown cell. In the
   kind-of-aid table a family may be in two rows: the hidden rows must cover MIN_CELL families
   even if all the double counts of the table fell among them.
3. Total: a year with fewer than MIN_CELL families in all hides the totals and every cell.

Every figure comes from aggregate queries: one per table, one for the totals and one for the
years with data, whatever the number of rows.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise

from charity import enums
from charity.models import (
    ChecklistItem,
    Disbursement,
    Programme,
    SocialProject,
    SocialProjectPhoto,
)
from pkop_portal.suppression import MIN_CELL, is_suppressed, suppress  # noqa: F401 (MIN_CELL: public)

# Reports exist for this year onwards (earlier years are not data but typos or probes).
FIRST_YEAR = 2000

ZERO = Decimal("0")
_REQUEST = "item__decision__request"


def report_year_is_valid(year: int, *, today: date | None = None) -> bool:
    """A report may be asked for FIRST_YEAR up to next year (an empty report); anything else
    is a typo or a probe (404)."""
    today = today or timezone.localdate()
    return FIRST_YEAR <= year <= today.year + 1


@dataclass
class Cell:
    """One row of a table: the families and the sum handed over for one value of the dimension."""

    key: str
    label: str | Promise
    families: int = 0
    amount: Decimal = ZERO
    suppressed: bool = False  # neither count nor sum is shown
    small: bool = False  # suppressed for its own small count, not as a complement

    @property
    def is_empty(self) -> bool:
        return self.families == 0 and self.amount == ZERO


@dataclass
class Table:
    dimension: str
    cells: list[Cell]

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for cell in self.cells)


@dataclass
class YearReport:
    year: int
    families: int
    amount: Decimal
    tables: list[Table]
    years: list[int] = field(default_factory=list)  # every year with data, newest first
    suppressed: bool = False  # the totals (and so every cell) are hidden

    @property
    def has_data(self) -> bool:
        return self.families > 0 or self.amount > ZERO

    @property
    def table(self) -> dict[str, Table]:
        return {t.dimension: t for t in self.tables}


# dimension: (path from Disbursement, choices in table order)
DIMENSIONS = {
    "category": (f"{_REQUEST}__category", enums.Category),
    "district": (f"{_REQUEST}__district", enums.District),
    "aid_kind": ("item__budget_line__aid_kind", enums.AidKind),
}


def _disbursements_of_year(year: int):
    """The year's Disbursement rows, each marked `counts` when its request's first
    disbursement is in this year (no disbursement of the same request before 1 January)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    earlier = Disbursement.objects.filter(**{_REQUEST: OuterRef(_REQUEST)}, disbursed_on__lt=start)
    return Disbursement.objects.filter(disbursed_on__gte=start, disbursed_on__lt=end).annotate(
        counts=~Exists(earlier)
    )


def _families() -> Count:
    return Count(_REQUEST, distinct=True, filter=Q(counts=True))


def cells_suppress(cells: list[Cell], *, overlap: int = 0) -> None:
    """Primary and secondary suppression of one table (rules 1 and 2 of the module docstring).

    `overlap`: how many more times families are counted in the table than there are families
    (a family helped with two kinds of aid is in two rows); the hidden cells must cover
    MIN_CELL families even if every double count fell among them."""
    small, complements = suppress(
        [cell.families for cell in cells],
        empty=[cell.is_empty for cell in cells],
        sort_keys=[(cell.families, cell.amount) for cell in cells],
        overlap=overlap,
    )
    for position in small:
        cells[position].suppressed = cells[position].small = True
    for position in complements:
        cells[position].suppressed = True


def report_years() -> list[int]:
    """Years with at least one disbursement, newest first (one query)."""
    return [
        d.year
        for d in Disbursement.objects.dates("disbursed_on", "year", order="DESC")
        if d.year >= FIRST_YEAR
    ]


def report_latest_year(*, today: date | None = None) -> int:
    """The newest year with data, else the current year (for the link to "the latest report")."""
    years = report_years()
    return years[0] if years else (today or timezone.localdate()).year


def report_for_year(*, year: int) -> YearReport:
    """The public report of `year`, suppression applied (no personal data in it at all).

    Five queries whatever the number of rows: totals, one per table, the years with data."""
    rows = _disbursements_of_year(year)
    totals = rows.aggregate(families=_families(), amount=Sum("amount"))
    report = YearReport(
        year=year,
        families=totals["families"] or 0,
        amount=totals["amount"] or ZERO,
        tables=[],
    )
    for dimension, (path, choices) in DIMENSIONS.items():
        cells = {value: Cell(key=value, label=label) for value, label in choices.choices}
        grouped = rows.values(key=F(path)).annotate(families=_families(), amount=Sum("amount"))
        for row in grouped.order_by():
            cell = cells.setdefault(row["key"], Cell(key=row["key"], label=row["key"]))
            cell.families = row["families"]
            cell.amount = row["amount"] or ZERO
        report.tables.append(Table(dimension=dimension, cells=list(cells.values())))
    if report.has_data and is_suppressed(report.families):
        report.suppressed = True
        for table in report.tables:
            for cell in table.cells:
                cell.suppressed = cell.small = not cell.is_empty
    else:
        for table in report.tables:
            counted = sum(cell.families for cell in table.cells)
            cells_suppress(table.cells, overlap=max(0, counted - report.families))
    report.years = report_years()
    return report


# --- The other public pages -----------------------------------------------------------------


@dataclass
class CategoryChecklist:
    category: str
    label: str | Promise
    items: list[ChecklistItem]
    hint: str | Promise = ""  # who the category is for (set by the page)


def checklist_public() -> list[CategoryChecklist]:
    """The staff-editable document checklist, per category in the order of the categories
    (one query)."""
    items = ChecklistItem.objects.select_related("document_type").order_by(
        "position", "document_type__position", "id"
    )
    by_category = {value: [] for value in enums.Category.values}
    for item in items:
        by_category.setdefault(item.category, []).append(item)
    return [
        CategoryChecklist(category=value, label=label, items=by_category[value])
        for value, label in enums.Category.choices
    ]


def programme_list_public():
    """The programmes accepting requests now (titles only are shown)."""
    return Programme.objects.filter(is_active=True).only(
        "id", "year", "title_kk", "title_ru", "title_en", "title_zh_hans"
    )


def social_project_list_public():
    """Published social projects with their photos (two queries)."""
    return SocialProject.objects.filter(is_published=True).prefetch_related(
        Prefetch("photos", queryset=SocialProjectPhoto.objects.order_by("position", "id"))
    )


# Only these are ever served as a photo (the admin checks uploads by content).
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})


def social_project_photo_public(*, photo_id: int) -> SocialProjectPhoto | None:
    """A photo of a published project, of an image type; None for anything else."""
    return (
        SocialProjectPhoto.objects.filter(
            pk=photo_id, project__is_published=True, content_type__in=PHOTO_TYPES
        )
        .only("id", "image", "content_type", "stored_name")
        .first()
    )
