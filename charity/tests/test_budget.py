"""Budgets: approvals reserve within each line's amount, over-budget approvals are refused
with a clear message, and concurrent approvals never exceed a line (PostgreSQL, 20 threads)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from charity import enums, selectors
from charity.models import BudgetLine, CommitteeDecision
from charity.services import committee
from charity.tests import support
from charity.tests.factories import BudgetLineFactory, ProgrammeFactory
from notifications.models import Notification


def over_budget_message(line, left: str, needed: str) -> str:
    with translation.override("en"):
        return (
            f"Over budget: the line “{line}” has {left} tenge left, and this decision needs "
            f"{needed} tenge."
        )


@pytest.mark.django_db
def test_approval_reserves_on_each_line():
    board = support.Committee()
    programme = ProgrammeFactory()
    money = BudgetLineFactory(programme=programme, amount=Decimal("300000"))
    goods = BudgetLineFactory(
        programme=programme, aid_kind=enums.AidKind.GOODS, amount=Decimal("50000")
    )
    request = board.request()
    board.decide(
        request,
        items=[
            support.money_item(money, "100000"),
            support.money_item(money, "20000"),
            committee.ItemInput(goods, "Продуктовый набор", Decimal("50000"), Decimal("10"), "шт"),
        ],
    )
    money.refresh_from_db()
    goods.refresh_from_db()
    assert (money.reserved, money.remaining, goods.reserved, goods.remaining) == (
        Decimal("120000"),
        Decimal("180000"),
        Decimal("50000"),
        Decimal("0"),
    )
    budget = selectors.programme_budget(programme=programme)
    assert [(r.line, r.amount, r.reserved, r.disbursed, r.remaining) for r in budget.rows] == [
        (goods, Decimal("50000"), Decimal("50000"), Decimal("0"), Decimal("0")),
        (money, Decimal("300000"), Decimal("120000"), Decimal("0"), Decimal("180000")),
    ]
    assert (budget.amount, budget.reserved, budget.remaining) == (
        Decimal("350000"),
        Decimal("170000"),
        Decimal("180000"),
    )


@pytest.mark.django_db
def test_the_last_tenge_may_be_approved_one_more_may_not():
    board = support.Committee()
    line = BudgetLineFactory(amount=Decimal("100000"))
    board.approved(line, "60000")
    exact, _decision = board.approved(line, "40000")
    assert exact.status == enums.Status.APPROVED
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(
        board.meeting, request, by=board.alice, items=[support.money_item(line, "0.01")]
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        committee.decision_approve(decision_id=decision.pk, by=board.chair)
    assert error.value.code == "over_budget"
    assert error.value.message == over_budget_message(line, "0", "0.01")


@pytest.mark.django_db
def test_over_budget_is_refused_with_the_line_what_is_left_and_what_is_needed():
    board = support.Committee()
    programme = ProgrammeFactory()
    line = BudgetLineFactory(programme=programme, amount=Decimal("1000000"))
    board.approved(line, "900000")
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(
        board.meeting,
        request,
        by=board.alice,
        items=[support.money_item(line, "60000"), support.money_item(line, "50000")],
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        committee.decision_approve(decision_id=decision.pk, by=board.chair)
    assert error.value.code == "over_budget"
    with translation.override("en"):
        text = error.value.message
        assert text == over_budget_message(line, "100\u00a0000", "110\u00a0000")
        assert f"Assistance to needy families 2026: {enums.AidKind.MONEY.label}" in text
    line.refresh_from_db()
    request.refresh_from_db()
    assert (line.reserved, request.status) == (Decimal("900000"), enums.Status.AT_COMMITTEE)
    assert CommitteeDecision.objects.get(pk=decision.pk).approved_at is None
    assert not Notification.objects.filter(event="charity.decided", object_id=str(request.pk))


@pytest.mark.django_db
def test_over_budget_on_a_second_line_leaves_the_first_untouched():
    board = support.Committee()
    programme = ProgrammeFactory()
    money = BudgetLineFactory(programme=programme, amount=Decimal("100000"))
    goods = BudgetLineFactory(
        programme=programme, aid_kind=enums.AidKind.GOODS, amount=Decimal("100")
    )
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(
        board.meeting,
        request,
        by=board.alice,
        items=[support.money_item(money, "1000"), support.money_item(goods, "101")],
    )
    with pytest.raises(ValidationError):
        committee.decision_approve(decision_id=decision.pk, by=board.chair)
    assert list(BudgetLine.objects.order_by("pk").values_list("reserved", flat=True)) == [
        Decimal("0"),
        Decimal("0"),
    ]


@pytest.mark.django_db
def test_withdrawal_and_cancellation_make_room_again():
    from charity.services import workflow

    board = support.Committee()
    line = BudgetLineFactory(amount=Decimal("100000"))
    first, _decision = board.approved(line, "100000")
    workflow.request_withdraw(request_id=first.pk)
    second, _decision = board.approved(line, "100000")
    assert second.status == enums.Status.APPROVED
    line.refresh_from_db()
    assert line.reserved == Decimal("100000")


AFFORDABLE = 7
RACERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_approvals_never_exceed_the_line(race):
    """20 chairs' approvals of 20 different decisions of 30 000 at once on a line of 210 000
    (+ 20 000 that no decision fits): exactly 7 succeed, 13 are refused over budget, and the
    reserved total never passes the amount."""
    board = support.Committee()
    line = BudgetLineFactory(amount=Decimal(30000 * AFFORDABLE + 20000))
    decisions = []
    for _ in range(RACERS):
        request = board.request()
        support.declare_all(board.meeting, request)
        decisions.append(
            support.recorded(
                board.meeting, request, by=board.alice, items=[support.money_item(line, "30000")]
            )
        )
    observed = []

    def approve(decision):
        def call():
            result = committee.decision_approve(decision_id=decision.pk, by=board.chair)
            with connection.cursor() as cursor:
                cursor.execute("SELECT reserved FROM charity_budgetline WHERE id = %s", [line.pk])
                observed.append(cursor.fetchone()[0])
            return result.pk

        return call

    outcome = race([approve(decision) for decision in decisions])
    assert len(outcome.results) == AFFORDABLE
    assert outcome.errors == ["over_budget"] * (RACERS - AFFORDABLE)
    assert all(value <= line.amount for value in observed)
    line.refresh_from_db()
    assert line.reserved == Decimal(30000 * AFFORDABLE)
    assert CommitteeDecision.objects.filter(approved_at__isnull=False).count() == AFFORDABLE
    statuses = sorted(d.request.status for d in CommitteeDecision.objects.select_related("request"))
    assert statuses == ["approved"] * AFFORDABLE + ["at_committee"] * (RACERS - AFFORDABLE)
    assert Notification.objects.filter(event="charity.decided").count() == AFFORDABLE


# --- budget lines (charity.services.budget) and the tenge formatter -------------------------


@pytest.mark.django_db
def test_set_amount_never_goes_below_what_is_reserved_now():
    from charity.services import budget

    board = support.Committee()
    line = BudgetLineFactory(amount=Decimal("500000"))
    board.approved(line, "300000")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        budget.budget_line_set_amount(line_id=line.pk, amount=Decimal("299999.99"), by=board.chair)
    assert error.value.code == "below_reserved"
    assert error.value.messages == ["At least 300\u00a0000 tenge is already reserved on this line."]
    # The very amount reserved is allowed; only `amount` is written.
    BudgetLine.objects.filter(pk=line.pk).update(disbursed=Decimal("1000"))
    budget.budget_line_set_amount(line_id=line.pk, amount=Decimal("300000"), by=board.chair)
    line.refresh_from_db()
    assert (line.amount, line.reserved, line.disbursed) == (
        Decimal("300000"),
        Decimal("300000"),
        Decimal("1000"),
    )


@pytest.mark.django_db
def test_set_amount_reads_reserved_under_the_lock_not_from_the_caller():
    from charity.services import budget

    board = support.Committee()
    line = BudgetLineFactory(amount=Decimal("500000"))
    stale = BudgetLine.objects.get(pk=line.pk)  # read before the approval
    board.approved(line, "200000")
    with pytest.raises(ValidationError) as error:
        budget.budget_line_set_amount(line_id=stale.pk, amount=Decimal("100000"), by=board.chair)
    assert error.value.code == "below_reserved"
    budget.budget_line_set_amount(line_id=stale.pk, amount=Decimal("250000"), by=board.chair)
    line.refresh_from_db()
    assert (line.amount, line.reserved) == (Decimal("250000"), Decimal("200000"))


@pytest.mark.django_db
def test_budget_line_add_and_its_refusals():
    from django.core.exceptions import PermissionDenied

    from charity.services import budget

    board = support.Committee()
    programme = ProgrammeFactory()
    line = budget.budget_line_add(
        programme_id=programme.pk, aid_kind="goods", amount=Decimal("1000"), by=board.chair
    )
    assert (line.programme, line.aid_kind, line.amount, line.reserved) == (
        programme,
        "goods",
        Decimal("1000"),
        Decimal("0"),
    )
    for code, kind, amount in [
        ("duplicate", "goods", "1"),
        ("bad_aid_kind", "gold", "1"),
        ("negative", "money", "-1"),
    ]:
        with pytest.raises(ValidationError) as error:
            budget.budget_line_add(
                programme_id=programme.pk, aid_kind=kind, amount=Decimal(amount), by=board.chair
            )
        assert error.value.code == code
    with pytest.raises(PermissionDenied):
        budget.budget_line_add(
            programme_id=programme.pk, aid_kind="money", amount=Decimal("1"), by=board.officer
        )
    with pytest.raises(PermissionDenied):
        budget.budget_line_set_amount(line_id=line.pk, amount=Decimal("5"), by=board.officer)
    assert BudgetLine.objects.filter(programme=programme).count() == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (Decimal("0"), "0"),
        (Decimal("999"), "999"),
        (Decimal("1000"), "1\u00a0000"),
        (Decimal("40000000.00"), "40\u00a0000\u00a0000"),
        (Decimal("1234.5"), "1\u00a0234.50"),
        (Decimal("0.01"), "0.01"),
        (Decimal("-1500"), "-1\u00a0500"),
        ("150000.00", "150\u00a0000"),
    ],
)
def test_tenge_groups_with_no_break_spaces_and_drops_whole_decimals(value, expected):
    from pkop_portal.formats import tenge

    with translation.override("en"):
        assert tenge(value) == expected


def test_tenge_uses_the_decimal_separator_of_the_language():
    from pkop_portal.formats import tenge

    with translation.override("ru"):
        assert tenge(Decimal("1234.5")) == "1\u00a0234,50"
