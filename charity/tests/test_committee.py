"""The committee: meetings, conflict-of-interest declarations and exclusion, decisions, the
chair's approval with four eyes, and the minutes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from charity import enums
from charity.models import CommitteeDecision, ConflictDeclaration
from charity.services import committee
from charity.tests import support
from charity.tests.factories import BudgetLineFactory, ProgrammeFactory
from notifications.models import Notification
from notifications.rendering import render_message
from pkop_portal import workdays

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return support.Committee()


def refused(code, call):
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.code == code
    return error.value


def approve(decision, by):
    return committee.decision_approve(decision_id=decision.pk, by=by)


# --- meetings ------------------------------------------------------------------------------


def test_meeting_has_the_chair_among_its_members():
    chair, alice = support.member("chair"), support.member("alice")
    meeting = support.meeting(chair, alice, place=" Зал 2 ", language="kk")
    assert set(meeting.members.all()) == {chair, alice}
    assert (meeting.chair, meeting.place, meeting.language, meeting.status) == (
        chair,
        "Зал 2",
        "kk",
        enums.MeetingStatus.PLANNED,
    )


def test_meeting_refusals():
    chair = support.member("chair")
    refused("too_few_members", lambda: support.meeting(chair))
    refused("not_member", lambda: support.meeting(chair, support.officer()))
    refused("bad_language", lambda: support.meeting(chair, support.member("a"), language="de"))
    with pytest.raises(PermissionDenied):
        committee.meeting_create(
            held_on=workdays.local_now().date(),
            chair=chair,
            members=[support.member("b")],
            by=support.officer("o2"),
        )


# --- conflicts of interest -------------------------------------------------------------------


def test_conflicted_member_is_excluded_from_the_decision(board):
    request = board.request()
    decision = board.decide(request, conflicted=[board.bob])
    assert set(decision.participants.all()) == {board.chair, board.alice}
    declaration = ConflictDeclaration.objects.get(member=board.bob)
    assert (declaration.has_conflict, declaration.note) == (True, "Родственник заявителя")
    assert request.events.filter(kind="conflict_declared").count() == 3


def test_conflict_needs_its_nature_and_a_member_of_the_meeting(board):
    request = board.request()
    refused(
        "no_note",
        lambda: committee.conflict_declare(
            meeting_id=board.meeting.pk, request_id=request.pk, member=board.bob, has_conflict=True
        ),
    )
    with pytest.raises(PermissionDenied):
        committee.conflict_declare(
            meeting_id=board.meeting.pk,
            request_id=request.pk,
            member=support.member("outsider"),
            has_conflict=False,
        )
    elsewhere = support.open_request(status=enums.Status.AT_COMMITTEE)
    refused(
        "not_on_agenda",
        lambda: committee.conflict_declare(
            meeting_id=board.meeting.pk,
            request_id=elsewhere.pk,
            member=board.bob,
            has_conflict=False,
        ),
    )


def test_declaring_a_conflict_after_the_record_removes_the_participant(board):
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(board.meeting, request, by=board.alice)
    assert decision.participants.count() == 3
    committee.conflict_declare(
        meeting_id=board.meeting.pk,
        request_id=request.pk,
        member=board.bob,
        has_conflict=True,
        note="Сосед заявителя",
    )
    assert set(decision.participants.all()) == {board.chair, board.alice}
    assert ConflictDeclaration.objects.filter(member=board.bob).count() == 1
    approve(decision, board.chair)
    assert set(decision.participants.all()) == {board.chair, board.alice}
    refused(
        "already_decided",
        lambda: committee.conflict_declare(
            meeting_id=board.meeting.pk,
            request_id=request.pk,
            member=board.bob,
            has_conflict=False,
        ),
    )


def test_a_conflicted_member_cannot_record_and_a_member_must_declare_first(board):
    request = board.request()
    refused("not_declared", lambda: support.recorded(board.meeting, request, by=board.alice))
    support.declare_all(board.meeting, request, conflicted=[board.alice])
    refused("conflicted", lambda: support.recorded(board.meeting, request, by=board.alice))
    with pytest.raises(PermissionDenied):
        support.recorded(board.meeting, request, by=support.member("outsider"))


def test_chair_with_a_conflict_cannot_approve(board):
    request = board.request()
    support.declare_all(board.meeting, request, conflicted=[board.chair])
    decision = support.recorded(board.meeting, request, by=board.alice)
    refused("chair_conflicted", lambda: approve(decision, board.chair))


def test_two_members_without_a_conflict_must_decide(board):
    request = board.request()
    support.declare_all(board.meeting, request, conflicted=[board.alice, board.bob])
    decision = support.recorded(board.meeting, request, by=board.chair)
    refused("no_quorum", lambda: approve(decision, board.chair))
    assert CommitteeDecision.objects.get().approved_at is None


def test_every_member_must_declare_before_the_approval(board):
    request = board.request()
    for user in (board.chair, board.alice):
        committee.conflict_declare(
            meeting_id=board.meeting.pk, request_id=request.pk, member=user, has_conflict=False
        )
    decision = support.recorded(board.meeting, request, by=board.alice)
    refused("declarations_missing", lambda: approve(decision, board.chair))


# --- four eyes, the chair --------------------------------------------------------------------


def test_four_eyes_the_assessor_cannot_approve(board):
    request = support.at_committee(board.meeting, assessed_by=board.chair)
    support.declare_all(board.meeting, request)
    decision = support.recorded(board.meeting, request, by=board.alice)
    refused("four_eyes", lambda: approve(decision, board.chair))
    request.refresh_from_db()
    assert request.status == enums.Status.AT_COMMITTEE


def test_the_assessor_may_take_part_when_someone_else_approves(board):
    # Alice assessed it and decides with the chair (Bob is conflicted): two pairs of eyes.
    request = support.at_committee(board.meeting, assessed_by=board.alice)
    support.declare_all(board.meeting, request, conflicted=[board.bob])
    decision = support.recorded(board.meeting, request, by=board.alice)
    approve(decision, board.chair)
    assert set(decision.participants.all()) == {board.chair, board.alice}


def test_only_the_chair_approves(board):
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(board.meeting, request, by=board.alice)
    with pytest.raises(PermissionDenied):
        approve(decision, board.alice)
    with pytest.raises(PermissionDenied):
        approve(decision, board.officer)
    approve(decision, board.chair)
    refused("already_approved", lambda: approve(decision, board.chair))


# --- decisions ---------------------------------------------------------------------------------


def test_approval_sets_the_request_and_tells_the_applicant_in_their_language(board):
    line = BudgetLineFactory(amount=Decimal("500000"))
    request = board.request(language="kk")
    items = [
        committee.ItemInput(
            budget_line=line,
            description="Қысқы киім",
            amount=Decimal("90000"),
            quantity=Decimal("3"),
            unit="жиынтық",
        )
    ]
    decision = board.decide(request, items=items, outcome=enums.Outcome.PARTLY_APPROVED)
    request.refresh_from_db()
    assert request.status == enums.Status.PARTLY_APPROVED
    assert request.decision_reasons == decision.reasons
    assert (request.decided_at, request.answered_on_time) == (decision.approved_at, True)
    assert request.programme == line.programme
    assert (decision.approved_by, decision.meeting.status) == (board.chair, "held")
    event = request.events.filter(kind="decided").get()
    assert (event.old_value, event.new_value, event.by) == (
        "at_committee",
        "partly_approved",
        board.chair,
    )
    [row] = Notification.objects.filter(event="charity.decided")
    assert row.context == {
        "number": request.number,
        "outcome": "partly_approved",
        "reasons": decision.reasons,
        "items": [
            {"description": "Қысқы киім", "quantity": "3", "unit": "жиынтық", "amount": "90000.00"}
        ],
    }
    message = render_message(event=row.event, language="kk", context=row.context, channel="email")
    assert decision.reasons in message.text and "Қысқы киім: 3 жиынтық" in message.text
    from django.utils import translation

    with translation.override("kk"):
        label = str(enums.Outcome.PARTLY_APPROVED.label)
    assert label in message.text


def test_late_decision_is_not_on_time(board):
    request = board.request(due_date=workdays.local_now().date().replace(year=2020))
    board.decide(request, outcome=enums.Outcome.REJECTED)
    request.refresh_from_db()
    assert (request.status, request.answered_on_time) == (enums.Status.REJECTED, False)


def test_rejection_reserves_nothing_and_has_no_items(board):
    line = BudgetLineFactory()
    request = board.request()
    support.declare_all(board.meeting, request)
    refused(
        "items_on_rejection",
        lambda: support.recorded(
            board.meeting,
            request,
            by=board.alice,
            outcome=enums.Outcome.REJECTED,
            items=[support.money_item(line, "10")],
        ),
    )
    decision = support.recorded(board.meeting, request, by=board.alice, outcome="rejected")
    approve(decision, board.chair)
    line.refresh_from_db()
    assert (line.reserved, decision.items.count()) == (Decimal("0"), 0)


def test_record_refusals(board):
    line = BudgetLineFactory()
    request = board.request()
    support.declare_all(board.meeting, request)

    def record(**kwargs):
        values = {"outcome": "approved", "items": [support.money_item(line, "10")]}
        return support.recorded(board.meeting, request, by=board.alice, **{**values, **kwargs})

    refused("bad_outcome", lambda: record(outcome="maybe"))
    refused("no_reasons", lambda: record(reasons=" "))
    refused("no_items", lambda: record(items=[]))
    refused("bad_amount", lambda: record(items=[support.money_item(line, "0")]))
    refused(
        "bad_quantity",
        lambda: record(
            items=[committee.ItemInput(line, "Одеяло", Decimal("10"), quantity=Decimal("0"))]
        ),
    )
    refused("no_description", lambda: record(items=[support.money_item(line, "10", " ")]))
    past = BudgetLineFactory(programme=ProgrammeFactory(year=2020))
    refused("bad_budget_line", lambda: record(items=[support.money_item(past, "10")]))
    closed = BudgetLineFactory(programme=ProgrammeFactory(is_active=False))
    refused("bad_budget_line", lambda: record(items=[support.money_item(closed, "10")]))
    assert CommitteeDecision.objects.count() == 0


def test_a_line_of_the_requests_own_programme_is_allowed_even_if_closed(board):
    closed = BudgetLineFactory(programme=ProgrammeFactory(year=2020, is_active=False))
    request = board.request(programme=closed.programme)
    decision = board.decide(request, items=[support.money_item(closed, "10")])
    assert decision.items.get().budget_line == closed


def test_record_can_be_corrected_until_approved(board):
    line = BudgetLineFactory()
    request = board.request()
    support.declare_all(board.meeting, request)
    first = support.recorded(board.meeting, request, by=board.alice)
    again = support.recorded(
        board.meeting,
        request,
        by=board.bob,
        items=[support.money_item(line, "5"), support.money_item(line, "7")],
    )
    assert first.pk == again.pk
    assert sorted(again.items.values_list("amount", flat=True)) == [Decimal("5"), Decimal("7")]
    assert again.recorded_by == board.bob
    approve(again, board.chair)
    refused("wrong_status", lambda: support.recorded(board.meeting, request, by=board.alice))


def test_recording_is_internal_until_the_chair_approves(board):
    request = board.request()
    support.declare_all(board.meeting, request)
    support.recorded(board.meeting, request, by=board.alice)
    event = request.events.order_by("-pk").first()
    assert (event.kind, event.field, event.is_public) == ("note", "decision_recorded", False)
    assert Notification.objects.filter(event="charity.decided").count() == 0


@pytest.mark.parametrize("status", [s for s in enums.Status if s != enums.Status.AT_COMMITTEE])
def test_decisions_only_for_requests_at_the_committee(board, status):
    request = board.request(status=status)
    support.declare_all(board.meeting, request)
    refused("wrong_status", lambda: support.recorded(board.meeting, request, by=board.alice))


def test_approval_refused_once_the_request_left_the_committee(board):
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(board.meeting, request, by=board.alice)
    from charity.services import workflow

    workflow.request_withdraw(request_id=request.pk)
    refused("wrong_status", lambda: approve(decision, board.chair))


def test_a_request_on_another_meetings_agenda_is_refused(board):
    request = board.request()
    other = support.meeting(board.chair, board.alice)
    refused("not_on_agenda", lambda: support.recorded(other, request, by=board.alice))


# --- minutes -----------------------------------------------------------------------------------


def test_minutes_approved_when_every_request_is_decided_or_withdrawn(board):
    decided, pending, withdrawn = board.request(), board.request(), board.request()
    board.decide(decided)
    from charity.services import workflow

    workflow.request_withdraw(request_id=withdrawn.pk)
    call = lambda: committee.meeting_approve_minutes(  # noqa: E731
        meeting_id=board.meeting.pk, by=board.chair
    )
    error = refused("undecided", call)
    assert pending.number in error.message
    with pytest.raises(PermissionDenied):
        committee.meeting_approve_minutes(meeting_id=board.meeting.pk, by=board.alice)
    board.decide(pending, outcome=enums.Outcome.REJECTED)
    meeting = call()
    assert (meeting.status, meeting.minutes_approved_at is not None) == ("approved", True)
    refused("minutes_approved", call)
    late = support.open_request(status=enums.Status.AT_COMMITTEE)
    meeting.requests.add(late)
    refused("minutes_approved", lambda: support.recorded(meeting, late, by=board.alice))


def test_minutes_of_an_empty_agenda_are_refused(board):
    refused(
        "empty_agenda",
        lambda: committee.meeting_approve_minutes(meeting_id=board.meeting.pk, by=board.chair),
    )


# --- the recorder's own conflict ---------------------------------------------------------------


def test_a_recorder_who_declares_a_conflict_afterwards_blocks_the_approval(board):
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(board.meeting, request, by=board.alice)
    committee.conflict_declare(
        meeting_id=board.meeting.pk,
        request_id=request.pk,
        member=board.alice,
        has_conflict=True,
        note="Сестра заявителя",
    )
    from django.utils import translation

    with translation.override("en"):
        error = refused("recorder_conflicted", lambda: approve(decision, board.chair))
    assert error.messages == [
        "The member who recorded this decision declared a conflict of interest on this "
        "request: a member without a conflict must record the decision again."
    ]
    request.refresh_from_db()
    decision.refresh_from_db()
    assert (request.status, decision.is_approved) == (enums.Status.AT_COMMITTEE, False)
    assert not Notification.objects.filter(event="charity.decided").exists()
    # Bob, without a conflict, records it again (his record now): the chair may approve.
    again = support.recorded(board.meeting, request, by=board.bob)
    assert (again.pk, again.recorded_by) == (decision.pk, board.bob)
    approve(again, board.chair)
    assert set(again.participants.all()) == {board.chair, board.bob}
    request.refresh_from_db()
    assert request.status == enums.Status.APPROVED


def test_a_recorder_who_keeps_no_conflict_does_not_block(board):
    # The boundary: the recorder declaring again "no conflict" changes nothing.
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(board.meeting, request, by=board.alice)
    committee.conflict_declare(
        meeting_id=board.meeting.pk, request_id=request.pk, member=board.alice, has_conflict=False
    )
    approve(decision, board.chair)
    request.refresh_from_db()
    assert request.status == enums.Status.APPROVED


# --- postponement ---------------------------------------------------------------------------


def later_meeting(board, days=7, **kwargs):
    return support.meeting(
        board.chair,
        board.alice,
        board.bob,
        held_on=workdays.local_now().date() + timedelta(days=days),
        **kwargs,
    )


def test_defer_to_another_meeting_discards_the_unapproved_decision(board):
    from charity.models import AidItem, RequestEvent

    request = board.request()
    other = board.request()
    board.decide(other)  # so that the minutes have something decided
    support.declare_all(board.meeting, request)
    support.recorded(board.meeting, request, by=board.alice)
    nxt = later_meeting(board)
    committee.request_defer(
        request_id=request.pk, by=board.bob, reason="Нужен акт обследования", meeting_id=nxt.pk
    )
    request.refresh_from_db()
    assert request.status == enums.Status.AT_COMMITTEE
    assert list(board.meeting.requests.all()) == [other]
    assert list(nxt.requests.all()) == [request]
    assert not CommitteeDecision.objects.filter(request=request).exists()
    assert not AidItem.objects.filter(decision__request=request).exists()
    event = request.events.get(kind=RequestEvent.Kind.DEFERRED)
    assert (event.by, event.note, event.is_public) == (board.bob, "Нужен акт обследования", True)
    assert event.new_value == f"{nxt.held_on:%d.%m.%Y}"
    [row] = Notification.objects.filter(event="charity.status_changed", object_id=str(request.pk))
    assert row.context["status"] == "at_committee"
    # The old meeting's minutes no longer wait for it.
    committee.meeting_approve_minutes(meeting_id=board.meeting.pk, by=board.chair)
    # The new meeting decides afresh: declarations there, a new decision, the approval.
    support.declare_all(nxt, request)
    decision = support.recorded(nxt, request, by=board.alice)
    approve(decision, board.chair)
    request.refresh_from_db()
    assert request.status == enums.Status.APPROVED


def test_defer_back_to_the_officer(board):
    request = board.request()
    committee.request_defer(request_id=request.pk, by=board.chair, reason="Нет справки о доходах")
    request.refresh_from_db()
    assert request.status == enums.Status.UNDER_REVIEW
    assert not board.meeting.requests.filter(pk=request.pk).exists()
    event = request.events.get(kind="deferred")
    assert (event.old_value, event.new_value) == ("at_committee", "under_review")
    row = Notification.objects.get(event="charity.status_changed")
    assert row.context["status"] == "under_review"
    refused(
        "empty_agenda",
        lambda: committee.meeting_approve_minutes(meeting_id=board.meeting.pk, by=board.chair),
    )


def test_defer_refusals(board):
    request = board.request()

    def defer(by=board.alice, reason="Причина", meeting_id=None):
        return committee.request_defer(
            request_id=request.pk, by=by, reason=reason, meeting_id=meeting_id
        )

    refused("no_reason", lambda: defer(reason="  "))
    refused("same_meeting", lambda: defer(meeting_id=board.meeting.pk))
    yesterday = later_meeting(board, days=-1)
    refused("meeting_not_planned", lambda: defer(meeting_id=yesterday.pk))
    held = later_meeting(board, days=0)
    held.status = enums.MeetingStatus.HELD
    held.save()
    refused("meeting_not_planned", lambda: defer(meeting_id=held.pk))
    today = later_meeting(board, days=0)  # today still counts
    with pytest.raises(PermissionDenied):
        defer(by=support.member("outsider"))
    with pytest.raises(PermissionDenied):
        defer(by=board.officer)
    assert request.events.filter(kind="deferred").count() == 0
    defer(meeting_id=today.pk)
    assert list(today.requests.all()) == [request]


def test_no_defer_once_the_decision_is_approved(board):
    request = board.request()
    board.decide(request)
    refused(
        "wrong_status",
        lambda: committee.request_defer(request_id=request.pk, by=board.alice, reason="Поздно"),
    )
    assert board.meeting.requests.filter(pk=request.pk).exists()
    assert CommitteeDecision.objects.get(request=request).is_approved
