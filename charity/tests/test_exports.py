"""XLSX export of a programme's decisions and disbursements: contents, masking, the formula
guard shared with the appeals export, the log, and who may export."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from charity import enums
from charity.models import ExportLog
from charity.services import disbursement
from charity.tests import support
from charity.tests.factories import VALID_IIN, BudgetLineFactory, ProgrammeFactory
from pkop_portal import workdays
from pkop_portal.spreadsheets import safe_cell

pytestmark = pytest.mark.django_db
IBAN = "KZ86125KZT5004100100"


def export_url(programme) -> str:
    return f"/en/admin/charity/programme/{programme.pk}/export/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheets(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(response.content))
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in workbook}


@pytest.fixture
def board():
    return support.Committee()


@pytest.fixture
def programme():
    return ProgrammeFactory()


def handed_over(board, item, **kwargs):
    values = {
        "disbursed_on": workdays.local_now().date(),
        "method": enums.DisbursementMethod.BANK_TRANSFER,
        "amount": item.amount,
        "handed_over_by": board.officer,
        "act": SimpleUploadedFile("act.pdf", support.PDF),
        "account": IBAN,
    }
    return disbursement.item_disburse(item_id=item.pk, by=board.officer, **{**values, **kwargs})


def test_export_lists_decisions_and_items_with_masked_accounts(board, programme):
    line = BudgetLineFactory(programme=programme, amount=Decimal("1000000"))
    goods = BudgetLineFactory(programme=programme, aid_kind="goods", amount=Decimal("500000"))
    request = board.request(programme=programme)
    items = [
        support.money_item(line, "100000", '=HYPERLINK("http://evil.example","x")'),
        support.committee.ItemInput(
            budget_line=goods,
            description="Зимняя куртка",
            amount=Decimal("30000"),
            quantity=Decimal("2"),
            unit="шт.",
        ),
    ]
    decision = board.decide(request, items=items)
    money, coats = decision.items.order_by("pk")
    handed_over(board, money)
    disbursement.item_cancel(item_id=coats.pk, by=board.officer, reason="Отказались")
    rejected = board.request(programme=programme, iin="880202400016", full_name="Ерлан Ахметов")
    board.decide(rejected, outcome=enums.Outcome.REJECTED)
    elsewhere = board.request()  # another programme's request and line: not exported
    board.decide(elsewhere, items=[support.money_item(BudgetLineFactory(), "5000")])

    response = logged_in(board.chair).get(export_url(programme))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="charity-programme-{programme.pk}-'
    )
    found = sheets(response)
    assert list(found) == ["Decisions", "Items and disbursements"]
    decisions = found["Decisions"]
    assert decisions[0][:7] == (
        "Registration number",
        "Full name",
        "IIN",
        "Category",
        "District",
        "Meeting date",
        "Decision",
    )
    assert [(row[0], row[1], row[2], row[6], row[10]) for row in decisions[1:]] == [
        (request.number, "Айгерим Садыкова", VALID_IIN, "Approved", 100000),
        (rejected.number, "Ерлан Ахметов", "880202400016", "Rejected", 0),
    ]
    assert isinstance(decisions[1][5], datetime)  # the meeting date as a date cell
    rows = found["Items and disbursements"][1:]
    assert len(rows) == 2
    money_row, coats_row = rows
    assert money_row[4] == '\'=HYPERLINK("http://evil.example","x")'
    assert (money_row[7], money_row[8], money_row[12], money_row[13]) == (
        100000,
        "Handed over",
        100000,
        "****0100",
    )
    assert (coats_row[4], coats_row[5], coats_row[6], coats_row[8], coats_row[9]) == (
        "Зимняя куртка",
        2,
        "шт.",
        "Cancelled",
        "Отказались",
    )
    assert coats_row[10] is None and coats_row[13] is None
    assert IBAN not in response.content.decode("latin-1")
    log = ExportLog.objects.get()
    assert (log.by, log.programme, log.file_format, log.row_count) == (
        board.chair,
        programme,
        "xlsx",
        4,
    )


def test_unapproved_decisions_are_not_exported(board, programme):
    line = BudgetLineFactory(programme=programme)
    request = board.request(programme=programme)
    support.declare_all(board.meeting, request)
    support.recorded(board.meeting, request, by=board.alice, items=[support.money_item(line, "1")])
    found = sheets(logged_in(board.chair).get(export_url(programme)))
    assert [len(rows) for rows in found.values()] == [1, 1]  # headers only
    assert ExportLog.objects.get().row_count == 0


@pytest.mark.parametrize("group", ["Charity officer", "Head", "Analyst"])
def test_export_needs_the_export_right(programme, group):
    from appeals.tests.factories import staff_user

    client = logged_in(staff_user("someone", group))
    response = client.get(export_url(programme))
    assert response.status_code == 403
    assert not ExportLog.objects.exists()


def test_export_of_an_unknown_programme_is_404(board, programme):
    response = logged_in(board.chair).get(export_url(programme).replace(str(programme.pk), "999"))
    assert response.status_code == 404
    assert not ExportLog.objects.exists()


def test_export_query_count_does_not_grow_with_rows(board, programme, query_count):
    from charity import exports

    line = BudgetLineFactory(programme=programme, amount=Decimal("10000000"))

    def cost():
        queries, _content = query_count(
            lambda: exports.programme_export(programme=programme, by=board.chair)
        )
        return queries

    _request, decision = board.approved(line, "1000")
    handed_over(board, decision.items.get())
    one = cost()
    for _n in range(6):
        _request, decision = board.approved(line, "1000", "2000")
        handed_over(board, decision.items.order_by("pk").first())
    assert cost() == one


def test_the_export_link_is_offered_to_those_who_may_export(board, programme):
    html = logged_in(board.chair).get(f"/en/admin/charity/programme/{programme.pk}/change/")
    assert 'class="programme-export"' in html.content.decode()
    html = logged_in(board.officer).get(f"/en/admin/charity/programme/{programme.pk}/change/")
    assert 'class="programme-export"' not in html.content.decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("+77011234567", "+77011234567"),  # a phone number stays readable
        ("-15", "-15"),
        ("ok\x07", "ok"),  # a control character XLSX cannot hold is dropped
        (Decimal("5"), Decimal("5")),
        (None, None),
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_appeals_export_uses_the_shared_guard():
    # Both exports write their cells through pkop_portal.exports, which guards every cell.
    from appeals import exports as appeal_exports
    from charity import exports as charity_exports
    from pkop_portal import exports

    assert exports.safe_cell is safe_cell
    assert appeal_exports.exports is exports
    assert charity_exports.xlsx_sheet is exports.xlsx_sheet


@pytest.mark.parametrize(
    ("account", "masked"),
    [
        ("KZ86125KZT5004100100", "****0100"),
        ("KZ86 125K ZT50 0410 0100", "****0100"),
        ("0100", "****"),
        ("", ""),
    ],
)
def test_bank_accounts_are_masked_to_their_last_four_characters(account, masked):
    from pkop_portal.masking import mask_account

    assert mask_account(account) == masked
