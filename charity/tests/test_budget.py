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
    assert error.value.message == over_budget_message(line, "0.00", "0.01")


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
        assert text == over_budget_message(line, "100,000.00", "110,000.00")
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
