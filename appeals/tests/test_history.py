"""An appeal's history in words (appeals.history) and on the appeal page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from appeals import enums, history, workflow
from appeals.models import AppealEvent, Category
from appeals.tests.factories import AppealFactory, staff_user

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Almaty")
URL = "/en/admin/appeals/appeal/"


@pytest.fixture(autouse=True)
def _english(in_english):
    """Every test here compares English labels."""


@pytest.fixture
def head():
    return staff_user("u-head-7", "Head", first="Dana", last="Kairatova")


@pytest.fixture
def executor():
    return staff_user("u-exec-7", "Executor", first="Aset", last="Seitkali")


def registered_appeal(registrar=None):
    appeal = AppealFactory(
        category=Category.objects.get(slug="environment"),
        registration_date=date(2026, 12, 22),
        due_date=date(2027, 1, 12),
        statutory_due_date=date(2027, 1, 12),
        redirect_due_date=date(2026, 12, 24),
        registered_by=registrar,
    )
    AppealEvent.objects.create(
        appeal=appeal,
        kind=AppealEvent.Kind.REGISTERED,
        by=registrar,
        new_value=appeal.number,
        note="2026-12-22 → 2027-01-12",
    )
    return appeal


def test_history_says_who_did_what_and_what_changed_in_words(head, executor, clock):
    appeal = registered_appeal()
    clock.set(datetime(2027, 1, 5, 10, 30, tzinfo=LOCAL))
    workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=executor, department="ОТиТБ")
    workflow.appeal_extend(
        appeal_id=appeal.pk, by=head, new_due=date(2027, 1, 20), reason="Нужна экспертиза."
    )
    clock.set(datetime(2027, 1, 19, 16, 5, tzinfo=LOCAL))
    workflow.appeal_answer(
        appeal_id=appeal.pk, by=executor, outcome="explained", reasoning="r", legal_basis="l"
    )
    rows = history.appeal_history(appeal=appeal)
    assert [(r.at, r.who, r.what, r.changes, r.note) for r in rows[1:]] == [
        (
            "05.01.2027 10:30",
            "Dana Kairatova",
            "Assigned",
            ["Status: Registered → In work", "Executor: none → A. Seitkali", "Department: ОТиТБ"],
            "",
        ),
        (
            "05.01.2027 10:30",
            "Dana Kairatova",
            "Deadline extended",
            ["Answer due: 12.01.2027 → 20.01.2027"],
            "Нужна экспертиза.",
        ),
        (
            "19.01.2027 16:05",
            "Aset Seitkali",
            "Answered",
            ["Status: In work → Answered", "Outcome: Explained"],
            "",
        ),
    ]
    first = rows[0]
    assert (first.what, first.changes) == (
        "Registered",
        [
            "Status: none → Registered",
            f"Registration number: {appeal.number}",
            "Answer due: 12.01.2027",
        ],
    )


def test_reassignment_names_both_executors_and_keeps_the_status(head, executor, clock):
    other = staff_user("u-exec-8", "Executor", first="Aruzhan", last="Bekova")
    appeal = registered_appeal()
    clock.set(datetime(2027, 1, 5, 10, 30, tzinfo=LOCAL))
    workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=executor)
    workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=other)
    last = history.appeal_history(appeal=appeal)[-1]
    assert last.changes == ["Executor: A. Seitkali → A. Bekova"]


def test_times_are_shown_in_shymkent_time_whatever_the_server_zone(head, executor, settings):
    settings.TIME_ZONE = "UTC"
    appeal = registered_appeal()
    event = AppealEvent.objects.create(appeal=appeal, kind=AppealEvent.Kind.NOTE, by=head, note="n")
    # 23:10 UTC on 31 December is already 1 January in Shymkent (UTC+5).
    AppealEvent.objects.filter(pk=event.pk).update(
        at=datetime(2026, 12, 31, 23, 10, tzinfo=ZoneInfo("UTC"))
    )
    row = history.appeal_history(appeal=appeal)[-1]
    assert (row.at, row.what, row.note) == ("01.01.2027 04:10", "Internal note", "n")


def test_codes_become_labels(head, executor, clock):
    appeal = registered_appeal()
    appeal.possible_repeat = True
    appeal.save()
    clock.set(datetime(2027, 1, 5, 10, 30, tzinfo=LOCAL))
    workflow.appeal_dismiss_repeat(appeal_id=appeal.pk, by=head)
    workflow.appeal_not_consider(appeal_id=appeal.pk, by=head, reason="no_essence", note="Пусто")
    rows = history.appeal_history(appeal=appeal)
    assert [r.changes for r in rows[-2:]] == [
        ["Possible repeat: yes → no"],
        ["Status: Registered → Not considered", "Reason not considered: No essence of the matter"],
    ]


def test_history_costs_two_queries_whatever_its_length(head, executor, clock, query_count):
    appeal = registered_appeal()
    clock.set(datetime(2027, 1, 5, 10, 30, tzinfo=LOCAL))
    workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=executor)
    short, _ = query_count(lambda: history.appeal_history(appeal=appeal))
    for n in range(8):
        workflow.appeal_add_note(appeal_id=appeal.pk, by=executor, note=f"n{n}")
    workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=head)
    long, rows = query_count(lambda: history.appeal_history(appeal=appeal))
    assert (short, long, len(rows)) == (2, 2, 11)


def test_the_appeal_page_shows_the_history_in_words_without_usernames(
    client, head, executor, clock
):
    appeal = registered_appeal()
    clock.set(datetime(2027, 1, 5, 10, 30, tzinfo=LOCAL))
    workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=executor)
    client.force_login(head)
    html = client.get(f"{URL}{appeal.pk}/change/").content.decode()
    table = html.split('id="appeal-history"')[1].split("</table>")[0]
    assert '<td class="appeal-history-at">05.01.2027 10:30</td>' in table
    assert '<td class="appeal-history-who">Dana Kairatova</td>' in table
    assert "<li>Executor: none → A. Seitkali</li>" in table
    assert "u-exec-7" not in html and "u-head-7" not in table
    # The raw rows (field names, stored values) are no longer on the page.
    assert "appealevent" not in html and "old_value" not in html


def test_the_applicant_is_named_for_their_own_rows(head):
    appeal = registered_appeal()
    appeal.status = enums.Status.ANSWERED
    appeal.save()
    AppealEvent.objects.create(
        appeal=appeal, kind=AppealEvent.Kind.RATED, new_value="not satisfied", note="Плохо"
    )
    row = history.appeal_history(appeal=appeal)[-1]
    assert (row.who, row.changes, row.note) == ("Applicant", ["Applicant satisfied: no"], "Плохо")
