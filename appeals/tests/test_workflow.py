from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from appeals import enums, services, workflow
from appeals.models import AppealEvent, Category
from appeals.tests.factories import AppealFactory
from pkop_portal import workdays

pytestmark = pytest.mark.django_db


def staff(username, group):
    user = User.objects.create_user(username, is_staff=True, first_name=username.title())
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def head():
    return staff("head", "Head")


@pytest.fixture
def executor():
    return staff("executor", "Executor")


def registered(**kwargs):
    today = workdays.local_now().date()
    defaults = {"registration_date": today, "due_date": workdays.add_working_days(today, 15)}
    return AppealFactory(**{**defaults, **kwargs})


def test_assign_sets_executor_status_and_history(head, executor):
    appeal = registered()
    workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=executor, department="ОСО")
    appeal.refresh_from_db()
    assert (appeal.executor, appeal.department, appeal.status) == (executor, "ОСО", "in_work")
    event = appeal.events.get()
    assert (event.kind, event.by, event.new_value) == ("assigned", head, "executor")


def test_only_heads_assign_and_extend(executor):
    appeal = registered()
    with pytest.raises(PermissionDenied):
        workflow.appeal_assign(appeal_id=appeal.pk, by=executor, executor=executor)
    with pytest.raises(PermissionDenied):
        workflow.appeal_extend(
            appeal_id=appeal.pk,
            by=executor,
            new_due=appeal.due_date + timedelta(days=5),
            reason="x",
        )
    assert appeal.events.count() == 0


def test_extend_within_two_months_notifies_applicant(head, django_capture_on_commit_callbacks):
    appeal = registered(registration_date=date(2026, 11, 2), due_date=date(2026, 11, 23))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.appeal_extend(
            appeal_id=appeal.pk, by=head, new_due=date(2027, 1, 2), reason="Нужна выездная проверка"
        )
    appeal.refresh_from_db()
    assert appeal.due_date == date(2027, 1, 2)
    event = appeal.events.get(kind=AppealEvent.Kind.EXTENDED)
    assert (event.old_value, event.new_value, event.note) == (
        "23.11.2026",
        "02.01.2027",
        "Нужна выездная проверка",
    )
    assert len(mail.outbox) == 1
    assert "02.01.2027" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("new_due", "reason", "code"),
    [
        (date(2027, 1, 3), "reason", "too_late"),  # registration + 2 months = 2 Jan 2027
        (date(2026, 11, 20), "reason", "not_later"),
        (date(2026, 12, 20), "  ", "no_reason"),
    ],
)
def test_extend_refusals(head, new_due, reason, code):
    appeal = registered(registration_date=date(2026, 11, 2), due_date=date(2026, 11, 23))
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_extend(appeal_id=appeal.pk, by=head, new_due=new_due, reason=reason)
    assert exc.value.code == code
    appeal.refresh_from_db()
    assert appeal.due_date == date(2026, 11, 23)


def test_executor_answers_own_appeal_on_time(executor, django_capture_on_commit_callbacks):
    appeal = registered(executor=executor, status=enums.Status.IN_WORK, language="kk")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.appeal_answer(
            appeal_id=appeal.pk,
            by=executor,
            outcome="satisfied",
            reasoning="Көмек көрсетілді.",
            legal_basis="ӘРПК 76-бап",
        )
    appeal.refresh_from_db()
    assert appeal.status == "answered"
    assert appeal.answered_on_time is True
    assert appeal.answer_signatory == "Executor"
    assert len(mail.outbox) == 1


def test_late_answer_is_never_on_time(executor):
    appeal = registered(
        executor=executor,
        status=enums.Status.IN_WORK,
        due_date=workdays.local_now().date() - timedelta(days=1),
    )
    workflow.appeal_answer(
        appeal_id=appeal.pk, by=executor, outcome="explained", reasoning="r", legal_basis="l"
    )
    appeal.refresh_from_db()
    assert appeal.answered_on_time is False


def test_executor_cannot_act_on_others_appeals(executor):
    other = staff("other", "Executor")
    appeal = registered(executor=other, status=enums.Status.IN_WORK)
    with pytest.raises(PermissionDenied):
        workflow.appeal_answer(
            appeal_id=appeal.pk, by=executor, outcome="refused", reasoning="r", legal_basis="l"
        )


def test_answered_appeal_cannot_be_answered_again(head):
    appeal = registered(status=enums.Status.ANSWERED)
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_answer(
            appeal_id=appeal.pk, by=head, outcome="refused", reasoning="r", legal_basis="l"
        )
    assert exc.value.code == "not_open"


def test_answer_needs_reasoning_and_legal_basis(head):
    appeal = registered()
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_answer(
            appeal_id=appeal.pk, by=head, outcome="refused", reasoning="r", legal_basis=" "
        )
    assert exc.value.code == "no_legal_basis"


def test_redirect_records_body_and_warns_when_late(head):
    old = workdays.local_now().date() - timedelta(days=14)
    appeal = registered(registration_date=old)
    result = workflow.appeal_redirect(
        appeal_id=appeal.pk, by=head, to_body="Акимат г. Шымкента", reason="Вопрос ЖКХ"
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.redirected_to) == ("redirected", "Акимат г. Шымкента")
    assert result.warning == "Redirected later than 3 working days after registration."


def test_possible_crime_must_be_referred_not_closed(head):
    appeal = registered(is_anonymous=True, possible_crime=True, email="")
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_not_consider(appeal_id=appeal.pk, by=head, reason="anonymous", note="n")
    assert exc.value.code == "referral_required"
    workflow.appeal_redirect(appeal_id=appeal.pk, by=head, to_body="Полиция", reason="угроза")
    appeal.refresh_from_db()
    assert appeal.status == "redirected"


def test_not_considered_needs_reason_and_note(head):
    appeal = registered()
    with pytest.raises(ValidationError):
        workflow.appeal_not_consider(appeal_id=appeal.pk, by=head, reason="withdrawn", note="")
    workflow.appeal_not_consider(
        appeal_id=appeal.pk, by=head, reason="withdrawn", note="Заявитель отозвал"
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.not_considered_reason) == ("not_considered", "withdrawn")


def test_internal_note_is_history_but_not_public(head):
    appeal = registered()
    workflow.appeal_add_note(appeal_id=appeal.pk, by=head, note="Позвонить заявителю")
    event = appeal.events.get()
    assert (event.kind, event.note, event.is_public) == ("note", "Позвонить заявителю", False)


def test_repeat_is_flagged_on_registration_then_linked_or_dismissed(head):
    from appeals.tests.test_services import appeal_input
    from pkop_portal.models import ConsentText

    consent = ConsentText.objects.get(purpose="appeal")
    first = services.appeal_submit(data=appeal_input(), consent=consent).appeal
    other_category = services.appeal_submit(
        data=appeal_input(category=Category.objects.get(slug="employment")), consent=consent
    ).appeal
    second = services.appeal_submit(data=appeal_input(), consent=consent).appeal
    third = services.appeal_submit(data=appeal_input(), consent=consent).appeal
    assert (first.possible_repeat, other_category.possible_repeat) == (False, False)
    assert (second.possible_repeat, third.possible_repeat) == (True, True)

    with pytest.raises(ValidationError) as exc:
        workflow.appeal_link_repeat(appeal_id=second.pk, by=head, earlier_id=other_category.pk)
    assert exc.value.code == "not_a_candidate"
    workflow.appeal_link_repeat(appeal_id=second.pk, by=head, earlier_id=first.pk)
    second.refresh_from_db()
    assert (second.repeat_of, second.possible_repeat) == (first, False)
    assert second.events.filter(kind="repeat_linked", new_value=first.number).exists()

    workflow.appeal_dismiss_repeat(appeal_id=third.pk, by=head)
    third.refresh_from_db()
    assert (third.possible_repeat, third.repeat_of) == (False, None)
    assert third.events.filter(kind="repeat_dismissed").exists()


def test_repeats_older_than_twelve_months_are_not_flagged():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from appeals.tests.test_services import appeal_input
    from pkop_portal.models import ConsentText

    consent = ConsentText.objects.get(purpose="appeal")
    old = datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    services.appeal_submit(data=appeal_input(), consent=consent, received_at=old)
    new = services.appeal_submit(data=appeal_input(), consent=consent).appeal
    assert new.possible_repeat is False
