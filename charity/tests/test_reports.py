"""The public yearly report: counts and sums per dimension, the small-count rule at its
boundary, secondary suppression, the first-disbursement rule and constant query counts."""

import random
from datetime import date
from decimal import Decimal

import pytest

from charity import enums, reports
from charity.reports import MIN_CELL, Cell, cells_suppress, is_suppressed
from charity.tests.report_data import Helper

A, C, D = enums.AidKind, enums.Category, enums.District


def cells_of(report, dimension) -> dict:
    """{key: (families, amount) or "small" / "hidden"} of a report's table."""
    out = {}
    for cell in report.table[dimension].cells:
        if cell.suppressed:
            out[cell.key] = "small" if cell.small else "hidden"
        else:
            out[cell.key] = (cell.families, cell.amount)
    return out


def shown_nonzero(report, dimension) -> dict:
    return {k: v for k, v in cells_of(report, dimension).items() if v != (0, Decimal("0"))}


# --- The rule ---------------------------------------------------------------------------------


def test_min_cell_is_five():
    assert MIN_CELL == 5


@pytest.mark.parametrize(
    ("count", "hidden"), [(0, True), (1, True), (4, True), (5, False), (6, False)]
)
def test_is_suppressed_hides_fewer_than_five_families(count, hidden):
    assert is_suppressed(count) is hidden


def cell(key, families, amount=None):
    amount = Decimal(families * 1000 if amount is None else amount)
    return Cell(key=key, label=key, families=families, amount=amount)


def state(cells) -> dict:
    return {c.key: ("small" if c.small else "hidden") if c.suppressed else "shown" for c in cells}


def test_no_small_cell_hides_nothing():
    cells = [cell("a", 5), cell("b", 9), cell("c", 0)]
    cells_suppress(cells)
    assert state(cells) == {"a": "shown", "b": "shown", "c": "shown"}


def test_a_lone_small_cell_also_hides_the_next_smallest_shown_cell():
    cells = [cell("a", 20), cell("b", 4), cell("c", 7), cell("d", 6), cell("e", 0)]
    cells_suppress(cells)
    assert state(cells) == {
        "a": "shown",
        "b": "small",
        "c": "shown",
        "d": "hidden",  # the smallest shown cell: b cannot be had as total - shown
        "e": "shown",  # nothing in it: never a complement, shows 0
    }


def test_two_small_cells_of_one_family_each_also_hide_a_third():
    # Either family could otherwise work out the other's sum from the total.
    cells = [cell("a", 1), cell("b", 1), cell("c", 8), cell("d", 6)]
    cells_suppress(cells)
    assert state(cells) == {"a": "small", "b": "small", "c": "shown", "d": "hidden"}


def test_small_cells_covering_five_families_together_need_no_complement():
    cells = [cell("a", 3), cell("b", 2), cell("c", 6)]
    cells_suppress(cells)
    assert state(cells) == {"a": "small", "b": "small", "c": "shown"}


def test_complement_ties_go_to_the_smaller_sum_then_table_order():
    cells = [cell("a", 6, 900), cell("b", 6, 500), cell("c", 6, 500), cell("d", 2)]
    cells_suppress(cells)
    assert state(cells) == {"a": "shown", "b": "hidden", "c": "shown", "d": "small"}


def test_money_without_a_family_counted_this_year_is_hidden():
    cells = [cell("a", 0, 250000), cell("b", 9), cell("c", 7)]
    cells_suppress(cells)
    assert state(cells) == {"a": "small", "b": "shown", "c": "hidden"}


@pytest.mark.parametrize(("overlap", "third"), [(0, "shown"), (1, "hidden")])
def test_double_counted_families_do_not_count_towards_the_hidden_five(overlap, third):
    cells = [cell("money", 4), cell("goods", 1), cell("medical", 8)]
    cells_suppress(cells, overlap=overlap)
    assert state(cells) == {"money": "small", "goods": "small", "medical": third}


def test_random_tables_never_allow_recovering_a_small_cell():
    """Whatever the table: every small cell is hidden, and what subtraction from the total
    yields (the hidden cells together) is at least two cells and MIN_CELL families."""
    rng = random.Random(20260101)
    for _ in range(2000):
        cells = [cell(str(i), rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 30])) for i in range(8)]
        cells_suppress(cells)
        hidden = [c for c in cells if c.suppressed]
        for c in cells:
            if not c.is_empty and c.families < MIN_CELL:
                assert c.suppressed and c.small
            if c.is_empty:
                assert not c.suppressed
        if hidden:
            total = sum(c.families for c in cells if not c.is_empty)
            covered = sum(c.families for c in hidden)
            assert len(hidden) >= 2 or total < MIN_CELL
            assert covered >= MIN_CELL or total < MIN_CELL


@pytest.mark.parametrize(
    ("year", "valid"), [(1999, False), (2000, True), (2026, True), (2027, True), (2028, False)]
)
def test_report_years_from_2000_to_next_year(year, valid):
    assert reports.report_year_is_valid(year, today=date(2026, 12, 6)) is valid


# --- The report from the database ------------------------------------------------------------


@pytest.mark.django_db
def test_report_counts_families_and_sums_per_category_district_and_kind():
    helper = Helper()
    helper.families(6, category=C.LARGE_FAMILY, district=D.ABAY)
    helper.families(
        5,
        category=C.LOW_INCOME,
        district=D.TURAN,
        items=((A.GOODS, "20000", date(2025, 3, 1)),),
    )
    report = reports.report_for_year(year=2025)

    assert (report.families, report.amount, report.suppressed) == (11, Decimal("700000"), False)
    assert shown_nonzero(report, "category") == {
        C.LARGE_FAMILY: (6, Decimal("600000")),
        C.LOW_INCOME: (5, Decimal("100000")),
    }
    assert shown_nonzero(report, "district") == {
        D.ABAY: (6, Decimal("600000")),
        D.TURAN: (5, Decimal("100000")),
    }
    assert shown_nonzero(report, "aid_kind") == {
        A.MONEY: (6, Decimal("600000")),
        A.GOODS: (5, Decimal("100000")),
    }
    # Every value of each dimension has its row, in the order of the choices.
    assert [c.key for c in report.table["category"].cells] == C.values
    assert [c.key for c in report.table["district"].cells] == D.values
    assert [c.key for c in report.table["aid_kind"].cells] == A.values
    assert report.years == [2025]


@pytest.mark.django_db
@pytest.mark.parametrize("small", [4, 5])
def test_report_cell_of_four_families_is_hidden_and_five_shown(small):
    helper = Helper()
    helper.families(7, district=D.ABAY)
    helper.families(6, district=D.KARATAU)
    helper.families(small, district=D.TURAN)
    report = reports.report_for_year(year=2025)

    district = shown_nonzero(report, "district")
    if small == 4:
        assert district == {D.ABAY: (7, Decimal("700000")), D.KARATAU: "hidden", D.TURAN: "small"}
    else:
        assert district == {
            D.ABAY: (7, Decimal("700000")),
            D.KARATAU: (6, Decimal("600000")),
            D.TURAN: (5, Decimal("500000")),
        }


@pytest.mark.django_db
@pytest.mark.parametrize("families", [4, 5])
def test_report_year_of_fewer_than_five_families_hides_every_figure(families):
    helper = Helper()
    helper.families(families - 1, district=D.ABAY)
    helper.family(district=D.TURAN, items=((A.GOODS, "50000", date(2025, 8, 1)),))
    report = reports.report_for_year(year=2025)

    assert report.families == families
    assert report.suppressed is (families == 4)
    if families == 4:
        figures = [c for t in report.tables for c in t.cells if not c.suppressed]
        assert all(c.is_empty for c in figures)
    else:
        # Five families in all; Abay (4) and Turan (1) hidden together, cover five.
        assert shown_nonzero(report, "district") == {D.ABAY: "small", D.TURAN: "small"}


@pytest.mark.django_db
def test_a_family_counts_in_the_year_of_its_first_disbursement_and_money_in_its_own_year():
    helper = Helper()
    helper.families(5, district=D.ABAY, items=((A.MONEY, "100000", date(2024, 12, 20)),))
    # A later item of one of them, handed over in January.
    helper.family(
        district=D.TURAN,
        items=(
            (A.MONEY, "100000", date(2024, 12, 27)),
            (A.GOODS, "30000", date(2025, 1, 10)),
        ),
    )
    helper.families(6, district=D.KARATAU, items=((A.MONEY, "50000", date(2025, 2, 2)),))
    helper.families(5, district=D.ABAY, items=((A.MONEY, "40000", date(2025, 2, 3)),))

    last_year = reports.report_for_year(year=2024)
    assert (last_year.families, last_year.amount) == (6, Decimal("600000"))

    report = reports.report_for_year(year=2025)
    assert (report.families, report.amount) == (11, Decimal("530000"))
    district = shown_nonzero(report, "district")
    # Turan: money but no family counted in 2025 → hidden like a small cell; the smallest
    # shown cell (Abay, 5) is its complement.
    assert district == {D.ABAY: "hidden", D.KARATAU: (6, Decimal("300000")), D.TURAN: "small"}
    assert report.years == [2025, 2024]


@pytest.mark.django_db
def test_a_family_helped_with_two_kinds_counts_under_both_and_sums_add_up():
    helper = Helper()
    helper.families(
        5,
        items=((A.MONEY, "100000", date(2025, 4, 1)), (A.GOODS, "10000", date(2025, 4, 2))),
    )
    report = reports.report_for_year(year=2025)

    assert report.families == 5
    assert shown_nonzero(report, "aid_kind") == {
        A.MONEY: (5, Decimal("500000")),
        A.GOODS: (5, Decimal("50000")),
    }
    assert sum(c.amount for c in report.table["aid_kind"].cells) == report.amount


@pytest.mark.django_db
def test_a_family_in_two_small_kind_rows_is_covered_once():
    helper = Helper()
    both = ((A.MONEY, "100000", date(2025, 4, 1)), (A.GOODS, "10000", date(2025, 4, 2)))
    helper.family(items=both)
    helper.families(3, items=((A.MONEY, "100000", date(2025, 4, 1)),))
    helper.families(8, items=((A.MEDICAL, "50000", date(2025, 5, 1)),))
    report = reports.report_for_year(year=2025)

    assert report.families == 12
    # Money (4) and goods (1) hide 4 families, not 5: medicine is hidden as well.
    assert shown_nonzero(report, "aid_kind") == {
        A.MONEY: "small",
        A.GOODS: "small",
        A.MEDICAL: "hidden",
    }
    assert shown_nonzero(report, "category") == {C.LARGE_FAMILY: (12, Decimal("810000"))}


@pytest.mark.django_db
def test_report_of_a_year_without_data_is_empty():
    Helper().families(5)
    report = reports.report_for_year(year=2023)
    assert (report.has_data, report.families, report.amount, report.suppressed) == (
        False,
        0,
        Decimal("0"),
        False,
    )
    assert all(c.is_empty and not c.suppressed for t in report.tables for c in t.cells)
    assert report.years == [2025]


@pytest.mark.django_db
def test_latest_year_is_the_newest_with_data_else_this_year():
    assert reports.report_latest_year(today=date(2026, 6, 1)) == 2026
    helper = Helper()
    helper.family(items=((A.MONEY, "1000", date(2024, 1, 5)),))
    helper.family(items=((A.MONEY, "1000", date(2025, 1, 5)),))
    assert reports.report_latest_year(today=date(2026, 6, 1)) == 2025


@pytest.mark.django_db
def test_report_runs_the_same_few_queries_for_one_or_many_families(query_count):
    helper = Helper()
    helper.family()
    one, _ = query_count(lambda: reports.report_for_year(year=2025))
    for category, district, kind in zip(C.values, D.values * 2, A.values, strict=False):
        helper.families(
            3, category=category, district=district, items=((kind, "5000", date(2025, 6, 1)),)
        )
    many, report = query_count(lambda: reports.report_for_year(year=2025))
    assert report.families == 19
    assert one == many == 5
