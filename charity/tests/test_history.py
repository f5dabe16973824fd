"""A charity request's history in words (charity.history) and on the request's page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from appeals.tests.factories import staff_user
from charity import enums, history
from charity.models import RequestEvent
from charity.services import workflow
from charity.tests import support

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Almaty")
K = RequestEvent.Kind
REQUESTS = "/en/admin/charity/charityrequest/"


@pytest.fixture(autouse=True)
def _english(in_english):
    """Every test here compares English labels."""


@pytest.fixture
def officer():
    return staff_user("h5-officer", "Charity officer", first="Dinara", last="Esimova")


@pytest.fixture
def head():
    return staff_user("h5-head", "Head", first="Dana", last="Kairatova")


def submitted(clock, to_follow=("income", "id_card")):
    """A request submitted online on 5 January 2027 09:30, its row as the submission writes it."""
    clock.set(datetime(2027, 1, 5, 9, 30, tzinfo=LOCAL))
    request = support.open_request()
    note = f"{request.registration_date:%Y-%m-%d} → {request.due_date:%Y-%m-%d}"
    if to_follow:
        note += f"; documents to follow: {', '.join(to_follow)}"
    RequestEvent.objects.create(
        request=request, kind=K.SUBMITTED, new_value=request.number, note=note
    )
    return request


def test_the_officers_steps_in_words(officer, head, clock):
    request = submitted(clock)
    clock.set(datetime(2027, 1, 6, 11, 0, tzinfo=LOCAL))
    workflow.request_assign(request_id=request.pk, officer=officer, by=officer)
    workflow.request_start_review(request_id=request.pk, by=officer)
    workflow.request_assess(
        request_id=request.pk,
        by=officer,
        household_size=4,
        earlier_aid_note="",
        home_visit_note="",
        assessment="Нуждается.",
    )
    workflow.request_extend(
        request_id=request.pk, by=head, new_due=date(2027, 2, 15), reason="Экспертиза"
    )
    workflow.request_note(request_id=request.pk, by=officer, text="Позвонить")
    rows = history.request_history(request=request)
    assert [(r.at, r.who, r.what, r.changes, r.note) for r in rows] == [
        (
            "05.01.2027 09:30",
            "Applicant",
            "Submitted",
            [
                "Status: none → Submitted",
                f"Registration number: {request.number}",
                "Answer due: 27.01.2027",
                "Missing documents: Income certificates for the last 6 months, "
                "Applicant's identity card",
            ],
            "",
        ),
        (
            "06.01.2027 11:00",
            "Dinara Esimova",
            "Officer assigned",
            ["Charity officer: none → D. Esimova"],
            "",
        ),
        (
            "06.01.2027 11:00",
            "Dinara Esimova",
            "Review started",
            ["Status: Submitted → Under review"],
            "",
        ),
        (
            "06.01.2027 11:00",
            "Dinara Esimova",
            "Double-help check",
            ["Aided in the last 12 months: no", "Another open request: no"],
            "",
        ),
        (
            "06.01.2027 11:00",
            "Dinara Esimova",
            "Assessed",
            ["Income per household member, tenge: 45\xa0000", "Household size: 4"],
            "",
        ),
        (
            "06.01.2027 11:00",
            "Dinara Esimova",
            "Double-help check",
            ["Aided in the last 12 months: no", "Another open request: no"],
            "",
        ),
        (
            "06.01.2027 11:00",
            "Dana Kairatova",
            "Deadline extended",
            ["Answer due: 27.01.2027 → 15.02.2027"],
            "Экспертиза",
        ),
        ("06.01.2027 11:00", "Dinara Esimova", "Internal note", [], "Позвонить"),
    ]


def test_the_committee_in_words():
    committee = support.Committee()
    for user, (first, last) in (
        (committee.chair, ("Gulnar", "Toktarova")),
        (committee.alice, ("Alia", "Nurova")),
        (committee.bob, ("Bolat", "Serikov")),
    ):
        User.objects.filter(pk=user.pk).update(first_name=first, last_name=last)
    request = committee.request()
    committee.decide(request)
    rows = history.request_history(request=request)
    assert [(r.who, r.what, r.changes) for r in rows] == [
        ("Gulnar Toktarova", "Conflict of interest declared", ["Has a conflict of interest: no"]),
        ("Alia Nurova", "Conflict of interest declared", ["Has a conflict of interest: no"]),
        ("Bolat Serikov", "Conflict of interest declared", ["Has a conflict of interest: no"]),
        ("Alia Nurova", "Decision recorded", ["Decision: Approved", "Value, tenge: 100\xa0000"]),
        ("Gulnar Toktarova", "Committee decision", ["Status: At the committee → Approved"]),
    ]
    assert rows[-1].note and rows[-2].note  # the reasons, as written


def test_documents_sent_later_are_named_and_the_status_is_said_once(clock):
    request = submitted(clock, to_follow=())
    RequestEvent.objects.create(
        request=request,
        kind=K.DOCUMENTS_RECEIVED,
        field="status",
        old_value=enums.Status.DOCUMENTS_INCOMPLETE,
        new_value=enums.Status.SUBMITTED,
        note="income, unknown_slug",
    )
    RequestEvent.objects.create(request=request, kind=K.NOTE, note="New access code sent")
    received, code = history.request_history(request=request)[1:]
    assert (received.who, received.changes, received.note) == (
        "Applicant",
        [
            "Status: Documents incomplete → Submitted",
            "Documents: Income certificates for the last 6 months, unknown_slug",
        ],
        "",
    )
    assert (code.who, code.what, code.note) == ("", "Internal note", "New access code sent")


def test_the_history_costs_at_most_three_queries_whatever_its_length(officer, clock, query_count):
    other = staff_user("h5-other", "Charity officer", first="Aruzhan", last="Bekova")
    request = submitted(clock)
    workflow.request_assign(request_id=request.pk, officer=officer, by=officer)
    short, _ = query_count(lambda: history.request_history(request=request))
    for n in range(6):
        chosen = other if n % 2 == 0 else officer
        workflow.request_assign(request_id=request.pk, officer=chosen, by=officer)
        workflow.request_note(request_id=request.pk, by=other, text=f"n{n}")
    long, rows = query_count(lambda: history.request_history(request=request))
    assert (short, long, len(rows)) == (3, 3, 14)
    assert rows[-2].changes == ["Charity officer: A. Bekova → D. Esimova"]
    assert rows[-1].who == "Aruzhan Bekova"


def test_the_request_page_shows_the_history_in_words_without_usernames(
    client, officer, clock, settings
):
    settings.TIME_ZONE = "UTC"
    request = submitted(clock)
    # 20:10 UTC on 7 January is already 8 January in Shymkent (UTC+5).
    clock.set(datetime(2027, 1, 7, 20, 10, tzinfo=ZoneInfo("UTC")))
    workflow.request_assign(request_id=request.pk, officer=officer, by=officer)
    workflow.request_start_review(request_id=request.pk, by=officer)
    client.force_login(officer)
    html = client.get(f"{REQUESTS}{request.pk}/change/").content.decode()
    table = html.split('id="charity-history"')[1].split("</table>")[0]
    assert '<td class="charity-history-at">08.01.2027 01:10</td>' in table
    assert '<td class="charity-history-who">Dinara Esimova</td>' in table
    assert "<li>Charity officer: none → D. Esimova</li>" in table
    assert "<li>Status: Submitted → Under review</li>" in table
    assert "h5-officer" not in table and "recent_aid=" not in html
    # The raw inline rows (field names, stored values) are no longer on the page.
    assert "events-TOTAL_FORMS" not in html and ">under_review<" not in html
