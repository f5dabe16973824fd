"""The staff workflow of a request: every step from every status, rights, history, notices."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from charity import enums, selectors
from charity.models import DocumentType, RequestEvent, RequestMessage
from charity.services import workflow
from charity.tests import support
from charity.tests.factories import (
    BudgetLineFactory,
    HouseholdMemberFactory,
    ProgrammeFactory,
)
from notifications.models import Notification
from notifications.rendering import render_message
from pkop_portal import workdays

pytestmark = pytest.mark.django_db
ALL = list(enums.Status)
SHYMKENT = ZoneInfo("Asia/Almaty")


@pytest.fixture
def officer():
    return support.officer()


@pytest.fixture
def meeting():
    chair = support.member("chair")
    return support.meeting(chair, support.member("alice"))


def rows(request, event: str | None = None):
    queryset = Notification.objects.filter(object_id=str(request.pk))
    return list(queryset.filter(event=event) if event else queryset)


def refused(code: str, call):
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.code == code
    return error.value


# --- every step from every status -------------------------------------------------------


@pytest.mark.parametrize("status", ALL)
def test_ask_documents_from_submitted_incomplete_or_review_only(status, officer):
    request = support.open_request(status=status)
    income = DocumentType.objects.get(slug="income")
    call = lambda: workflow.request_ask_documents(  # noqa: E731
        request_id=request.pk, by=officer, missing=[income], note=""
    )
    if status in workflow.ASK_DOCUMENTS_FROM:
        call()
        request.refresh_from_db()
        assert request.status == enums.Status.DOCUMENTS_INCOMPLETE
        assert list(request.missing_documents.all()) == [income]
        event = request.events.get()
        assert (event.kind, event.old_value, event.new_value) == (
            RequestEvent.Kind.DOCUMENTS_REQUESTED,
            status,
            enums.Status.DOCUMENTS_INCOMPLETE,
        )
        assert len(rows(request, "charity.documents_requested")) == 1
    else:
        refused("wrong_status", call)
        request.refresh_from_db()
        assert request.status == status
        assert (request.events.count(), rows(request)) == (0, [])


@pytest.mark.parametrize("status", ALL)
def test_start_review_from_submitted_or_incomplete_only(status, officer):
    request = support.open_request(status=status)
    call = lambda: workflow.request_start_review(request_id=request.pk, by=officer)  # noqa: E731
    if status in {enums.Status.SUBMITTED, enums.Status.DOCUMENTS_INCOMPLETE}:
        call()
        request.refresh_from_db()
        assert (request.status, request.officer) == (enums.Status.UNDER_REVIEW, officer)
        assert list(request.events.values_list("kind", flat=True)) == [
            RequestEvent.Kind.REVIEW_STARTED,
            RequestEvent.Kind.FLAGS_CHECKED,
        ]
        [row] = rows(request)
        assert (row.event, row.context) == (
            "charity.status_changed",
            {"number": request.number, "status": "under_review"},
        )
    else:
        refused("wrong_status", call)
        request.refresh_from_db()
        assert (request.status, request.events.count(), rows(request)) == (status, 0, [])


def assess(request, by, **kwargs):
    values = {
        "household_size": None,
        "earlier_aid_note": "Помощи не получали",
        "home_visit_note": "Условия тяжёлые",
        "assessment": "Нуждается в помощи",
    }
    return workflow.request_assess(request_id=request.pk, by=by, **{**values, **kwargs})


@pytest.mark.parametrize("status", ALL)
def test_assess_only_under_review(status, officer):
    request = support.open_request(status=status)
    if status == enums.Status.UNDER_REVIEW:
        assess(request, officer)
        request.refresh_from_db()
        assert (request.assessed_by, request.household_size) == (officer, 1)
    else:
        refused("wrong_status", lambda: assess(request, officer))
        request.refresh_from_db()
        assert (request.assessed_by, request.events.count()) == (None, 0)


@pytest.mark.parametrize("status", ALL)
def test_send_to_committee_only_assessed_under_review(status, officer, meeting):
    request = support.open_request(
        status=status, assessed_by=officer, assessed_at=workdays.local_now()
    )
    call = lambda: workflow.request_send_to_committee(  # noqa: E731
        request_id=request.pk, by=officer, meeting_id=meeting.pk
    )
    if status == enums.Status.UNDER_REVIEW:
        call()
        request.refresh_from_db()
        assert request.status == enums.Status.AT_COMMITTEE
        assert list(meeting.requests.all()) == [request]
        assert request.events.get().kind == RequestEvent.Kind.SENT_TO_COMMITTEE
        assert rows(request)[0].context["status"] == "at_committee"
    else:
        refused("wrong_status", call)
        assert list(meeting.requests.all()) == []


@pytest.mark.parametrize("status", ALL)
def test_extend_only_while_open(status):
    request = support.open_request(status=status)
    new_due = request.due_date + timedelta(days=3)
    call = lambda: workflow.request_extend(  # noqa: E731
        request_id=request.pk, by=support.head(), new_due=new_due, reason="Обследование на дому"
    )
    if status in enums.OPEN_STATUSES:
        call()
        request.refresh_from_db()
        assert request.due_date == new_due
    else:
        refused("wrong_status", call)


@pytest.mark.parametrize("status", ALL)
def test_message_in_any_status_but_final(status, officer):
    request = support.open_request(status=status)
    call = lambda: workflow.request_message(  # noqa: E731
        request_id=request.pk, by=officer, text="Уточните телефон."
    )
    if status in enums.FINAL_STATUSES:
        refused("wrong_status", call)
        assert RequestMessage.objects.count() == 0
    else:
        message = call()
        assert (message.by, message.text, message.from_applicant) == (
            officer,
            "Уточните телефон.",
            False,
        )
        [row] = rows(request)
        assert (row.event, row.context["text"]) == ("charity.message", "Уточните телефон.")
        assert request.events.get().kind == RequestEvent.Kind.MESSAGE


@pytest.mark.parametrize("status", ALL)
def test_assign_in_any_status_but_final(status, officer):
    request = support.open_request(status=status)
    other = support.officer("second")
    call = lambda: workflow.request_assign(  # noqa: E731
        request_id=request.pk, officer=other, by=officer
    )
    if status in enums.FINAL_STATUSES:
        refused("wrong_status", call)
    else:
        call()
        request.refresh_from_db()
        event = request.events.get()
        assert (request.officer, event.kind, event.new_value) == (other, "assigned", "second")
        assert rows(request) == []  # internal step: no notice


@pytest.mark.parametrize("status", ALL)
def test_withdraw_from_withdrawable_statuses_only(status):
    request = support.open_request(status=status)
    call = lambda: workflow.request_withdraw(request_id=request.pk, reason="Помощь не нужна")  # noqa: E731
    if status in enums.WITHDRAWABLE_STATUSES:
        call()
        request.refresh_from_db()
        assert request.status == enums.Status.WITHDRAWN
        assert request.withdrawn_at is not None
        event = request.events.get()
        assert (event.kind, event.by, event.note) == ("withdrawn", None, "Помощь не нужна")
        assert [r.event for r in rows(request)] == ["charity.withdrawn"]
    else:
        refused("wrong_status", call)
        request.refresh_from_db()
        assert request.status == status


@pytest.mark.parametrize("status", ALL)
def test_close_from_rejected_or_disbursed_only(status, officer):
    request = support.open_request(status=status)
    call = lambda: workflow.request_close(request_id=request.pk, by=officer)  # noqa: E731
    if status in {enums.Status.REJECTED, enums.Status.DISBURSED}:
        call()
        request.refresh_from_db()
        assert (request.status, request.closed_at is not None) == (enums.Status.CLOSED, True)
        assert [r.event for r in rows(request)] == ["charity.closed"]
    else:
        refused("wrong_status", call)


# --- rights ------------------------------------------------------------------------------


def test_committee_member_cannot_do_the_officers_steps(meeting):
    request = support.open_request()
    alice = meeting.members.get(username="alice")
    steps = [
        lambda: workflow.request_assign(request_id=request.pk, officer=alice, by=alice),
        lambda: workflow.request_ask_documents(
            request_id=request.pk, by=alice, missing=[], note="Справка"
        ),
        lambda: workflow.request_start_review(request_id=request.pk, by=alice),
        lambda: assess(request, alice),
        lambda: workflow.request_send_to_committee(
            request_id=request.pk, by=alice, meeting_id=meeting.pk
        ),
        lambda: workflow.request_message(request_id=request.pk, by=alice, text="x"),
        lambda: workflow.request_withdraw(request_id=request.pk, by=alice),
        lambda: workflow.request_extend(
            request_id=request.pk, by=alice, new_due=request.due_date, reason="x"
        ),
    ]
    for step in steps:
        with pytest.raises(PermissionDenied):
            step()
    assert request.events.count() == 0


def test_only_a_head_extends(officer):
    request = support.open_request()
    with pytest.raises(PermissionDenied):
        workflow.request_extend(
            request_id=request.pk,
            by=officer,
            new_due=request.due_date + timedelta(days=1),
            reason="x",
        )


def test_head_cannot_assess_and_inactive_officer_can_do_nothing(officer):
    request = support.open_request(status=enums.Status.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        assess(request, support.head())
    officer.is_active = False
    officer.save()
    with pytest.raises(PermissionDenied):
        assess(request, officer)


def test_assign_refuses_someone_who_is_not_an_officer(officer):
    request = support.open_request()
    refused(
        "not_officer",
        lambda: workflow.request_assign(
            request_id=request.pk, officer=support.member("carol"), by=officer
        ),
    )


# --- documents ---------------------------------------------------------------------------


def test_documents_requested_are_named_in_the_requests_language(officer):
    request = support.open_request(language="kk")
    wanted = list(DocumentType.objects.filter(slug__in=["large_family_status", "income"]))
    workflow.request_ask_documents(
        request_id=request.pk, by=officer, missing=wanted, note="Жұбайының анықтамасы"
    )
    [row] = rows(request)
    assert row.language == "kk"
    assert sorted(row.context["documents"]) == ["income", "large_family_status"]
    message = render_message(
        event=row.event, language=row.language, context=row.context, channel="email"
    )
    for document in wanted:
        assert f"- {document.name_kk}" in message.text
        assert document.name_en not in message.text
    assert "Жұбайының анықтамасы" in message.text
    request.refresh_from_db()
    assert request.events.get().note == "; ".join(
        [d.name_kk for d in sorted(wanted, key=lambda d: d.position)] + ["Жұбайының анықтамасы"]
    )
    assert request.missing_note == "Жұбайының анықтамасы"
    assert request.officer == officer


def test_ask_documents_needs_a_document_or_a_note(officer):
    request = support.open_request()
    refused(
        "nothing_missing",
        lambda: workflow.request_ask_documents(
            request_id=request.pk, by=officer, missing=[], note="  "
        ),
    )
    workflow.request_ask_documents(request_id=request.pk, by=officer, missing=[], note="Фото")
    request.refresh_from_db()
    assert (request.status, request.missing_note) == (enums.Status.DOCUMENTS_INCOMPLETE, "Фото")


def test_asking_again_replaces_the_list_and_sends_a_new_notice(officer):
    request = support.open_request()
    income, pension = DocumentType.objects.filter(slug__in=["income", "pension"])
    workflow.request_ask_documents(request_id=request.pk, by=officer, missing=[income])
    workflow.request_ask_documents(request_id=request.pk, by=officer, missing=[pension])
    request.refresh_from_db()
    assert list(request.missing_documents.all()) == [pension]
    assert len(rows(request, "charity.documents_requested")) == 2


def test_start_review_clears_what_was_missing(officer):
    request = support.open_request(status=enums.Status.DOCUMENTS_INCOMPLETE, missing_note="Справка")
    request.missing_documents.set(DocumentType.objects.filter(slug="income"))
    workflow.request_start_review(request_id=request.pk, by=officer)
    request.refresh_from_db()
    assert (list(request.missing_documents.all()), request.missing_note) == ([], "")


# --- assessment --------------------------------------------------------------------------


def test_assessment_divides_income_by_applicant_and_members(officer):
    request = support.open_request(
        status=enums.Status.UNDER_REVIEW, monthly_income=Decimal("180000.00")
    )
    HouseholdMemberFactory(request=request)
    HouseholdMemberFactory(request=request, iin="", full_name="Дана")
    assess(request, officer)
    request.refresh_from_db()
    assert (request.household_size, request.income_per_member) == (3, Decimal("60000.00"))
    assert (request.assessed_by, request.assessed_at is not None) == (officer, True)
    assert request.assessment == "Нуждается в помощи"
    assert list(request.events.values_list("kind", flat=True)) == ["assessed", "flags_checked"]
    assert rows(request) == []


def test_assessment_size_given_and_rounded_to_the_tiyn(officer):
    request = support.open_request(
        status=enums.Status.UNDER_REVIEW, monthly_income=Decimal("100000.00")
    )
    assess(request, officer, household_size=3)
    request.refresh_from_db()
    assert request.income_per_member == Decimal("33333.33")
    assert workflow.income_per_member(monthly_income=Decimal("0.05"), household_size=2) == Decimal(
        "0.03"
    )


def test_assessment_refusals(officer):
    request = support.open_request(status=enums.Status.UNDER_REVIEW)
    refused("bad_household_size", lambda: assess(request, officer, household_size=0))
    refused("no_assessment", lambda: assess(request, officer, assessment="  "))
    closed = ProgrammeFactory(is_active=False)
    refused("programme_closed", lambda: assess(request, officer, programme=closed))
    open_programme = ProgrammeFactory()
    assess(request, officer, programme=open_programme)
    request.refresh_from_db()
    assert request.programme == open_programme


# --- committee path ----------------------------------------------------------------------


def test_send_to_committee_needs_assessment_and_a_planned_meeting(officer, meeting):
    request = support.open_request(status=enums.Status.UNDER_REVIEW)
    call = lambda: workflow.request_send_to_committee(  # noqa: E731
        request_id=request.pk, by=officer, meeting_id=meeting.pk
    )
    refused("not_assessed", call)
    assess(request, officer)
    meeting.status = enums.MeetingStatus.HELD
    meeting.save()
    refused("meeting_not_planned", call)
    meeting.status = enums.MeetingStatus.PLANNED
    meeting.save()
    call()
    request.refresh_from_db()
    assert request.status == enums.Status.AT_COMMITTEE


# --- extension (the appeals rule) ----------------------------------------------------------


@pytest.fixture
def november(clock):
    """Monday 16 November 2026, 11:00 in Shymkent."""
    clock.set(datetime(2026, 11, 16, 11, 0, tzinfo=SHYMKENT))


def extend(request, new_due, reason="Нужна выездная проверка"):
    return workflow.request_extend(
        request_id=request.pk, by=support.head(), new_due=new_due, reason=reason
    )


def test_extend_up_to_two_months_after_registration_and_tell_the_applicant(november):
    request = support.open_request(
        registration_date=date(2026, 11, 2), due_date=date(2026, 11, 23), language="ru"
    )
    extend(request, date(2027, 1, 2))
    request.refresh_from_db()
    assert (request.due_date, request.statutory_due_date) == (date(2027, 1, 2), date(2026, 11, 23))
    assert request.extended_at is not None
    event = request.events.get()
    assert (event.kind, event.old_value, event.new_value, event.note) == (
        "extended",
        "23.11.2026",
        "02.01.2027",
        "Нужна выездная проверка",
    )
    [row] = rows(request)
    assert (row.event, row.context["due_date"], row.context["reason"]) == (
        "charity.extended",
        "02.01.2027",
        "Нужна выездная проверка",
    )
    refused("too_late", lambda: extend(request, date(2027, 1, 3)))


def test_extend_refusals(november):
    request = support.open_request(registration_date=date(2026, 11, 2), due_date=date(2026, 11, 23))
    refused("no_reason", lambda: extend(request, date(2026, 12, 1), reason=" "))
    refused("not_later", lambda: extend(request, date(2026, 11, 23)))
    refused("too_late", lambda: extend(request, date(2027, 1, 3)))
    overdue = support.open_request(registration_date=date(2026, 10, 1), due_date=date(2026, 11, 13))
    refused("overdue", lambda: extend(overdue, date(2026, 11, 30)))


def test_extend_on_the_due_day_itself(november):
    request = support.open_request(
        registration_date=date(2026, 10, 26), due_date=date(2026, 11, 16)
    )
    extend(request, date(2026, 11, 30))
    request.refresh_from_db()
    assert request.due_date == date(2026, 11, 30)


# --- notes, withdrawal, closing ----------------------------------------------------------


def test_note_is_internal_and_needs_the_view_right(officer):
    request = support.open_request()
    workflow.request_note(request_id=request.pk, by=officer, text="Позвонить вечером")
    event = request.events.get()
    assert (event.kind, event.note, event.is_public) == ("note", "Позвонить вечером", False)
    assert rows(request) == []
    refused("empty", lambda: workflow.request_note(request_id=request.pk, by=officer, text=""))
    from appeals.tests.factories import staff_user

    with pytest.raises(PermissionDenied):
        workflow.request_note(request_id=request.pk, by=staff_user("reg", "Registrar"), text="x")


def test_withdraw_releases_the_reserved_budget_of_items_not_handed_over():
    board = support.Committee()
    line = BudgetLineFactory(amount=Decimal("500000"))
    request, decision = board.approved(line, "100000", "50000")
    line.refresh_from_db()
    assert line.reserved == Decimal("150000")
    workflow.request_withdraw(request_id=request.pk, by=board.officer, reason="Переезд")
    line.refresh_from_db()
    assert (line.reserved, line.disbursed) == (Decimal("0"), Decimal("0"))
    with translation.override(request.language):
        reason = translation.gettext("withdrawn by the applicant")
    assert {(i.status, i.cancel_reason) for i in decision.items.all()} == {("cancelled", reason)}
    request.refresh_from_db()
    assert request.status == enums.Status.WITHDRAWN
    kinds = list(request.events.values_list("kind", "by"))
    assert kinds[-3:] == [
        ("item_cancelled", board.officer.pk),
        ("item_cancelled", board.officer.pk),
        ("withdrawn", board.officer.pk),
    ]


def test_withdraw_is_refused_once_part_of_the_aid_was_handed_over(tmp_path):
    from charity.tests.test_disbursement import disburse

    board = support.Committee()
    line = BudgetLineFactory(amount=Decimal("500000"))
    request, decision = board.approved(line, "100000", "50000")
    first, second = decision.items.order_by("pk")
    # Before any hand-over: allowed (and offered).
    assert selectors.request_can_withdraw(request=request) is True
    disburse(first, board.officer)
    request.refresh_from_db()
    assert selectors.request_can_withdraw(request=request) is False
    with translation.override("en"):
        error = refused(
            "partly_handed_over", lambda: workflow.request_withdraw(request_id=request.pk)
        )
    assert error.messages == [
        "Part of the aid on this request has already been handed over, so it can no longer be "
        "withdrawn."
    ]
    refused(
        "partly_handed_over",
        lambda: workflow.request_withdraw(request_id=request.pk, by=board.officer, reason="x"),
    )
    request.refresh_from_db()
    line.refresh_from_db()
    second.refresh_from_db()
    assert (request.status, second.status) == (enums.Status.APPROVED, "approved")
    assert (line.reserved, line.disbursed) == (Decimal("150000"), Decimal("100000"))
    assert not request.events.filter(kind="withdrawn").exists()


def test_withdraw_of_an_approved_request_releases_every_item():
    board = support.Committee()
    line = BudgetLineFactory(amount=Decimal("500000"))
    request, decision = board.approved(line, "100000", "50000")
    workflow.request_withdraw(request_id=request.pk)
    line.refresh_from_db()
    assert (line.reserved, line.disbursed) == (Decimal("0"), Decimal("0"))
    assert set(decision.items.values_list("status", flat=True)) == {"cancelled"}
    request.refresh_from_db()
    assert request.status == enums.Status.WITHDRAWN
    assert selectors.request_can_withdraw(request=request) is False


def test_can_withdraw_costs_no_query_before_a_decision(django_assert_num_queries):
    request = support.open_request()
    with django_assert_num_queries(0):
        assert selectors.request_can_withdraw(request=request) is True


def test_close_waits_for_every_item():
    board = support.Committee()
    line = BudgetLineFactory()
    request, decision = board.approved(line, "1000")
    request.status = enums.Status.DISBURSED  # forged: one item is still to hand over
    request.save()
    refused(
        "items_pending", lambda: workflow.request_close(request_id=request.pk, by=board.officer)
    )


def test_check_flags_sets_flags_and_history(officer):
    earlier = support.open_request()
    request = support.open_request()
    overlaps = workflow.request_check_flags(request_id=request.pk, by=officer)
    assert overlaps.open_requests == [earlier]
    request.refresh_from_db()
    assert (request.flag_open_request, request.flag_recent_aid) == (True, False)
    event = request.events.get()
    assert (event.kind, event.new_value, event.note) == (
        "flags_checked",
        "recent_aid=0 open=1",
        earlier.number,
    )
