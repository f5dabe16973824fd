"""The charity staff UI: lists (masking, filters, constant queries), the read-only request page
with its buttons and panels, every workflow step through its admin view, the committee's
pages, hand-over and cancellation of items, the programme's budget page, the checklist, social
projects and the printable minutes."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from charity import admin_forms, enums
from charity.models import (
    AidItem,
    BudgetLine,
    CharityRequest,
    ChecklistItem,
    CommitteeDecision,
    CommitteeMeeting,
    ConflictDeclaration,
    Disbursement,
    DocumentType,
    RequestDocument,
    RequestEvent,
    RequestMessage,
    SocialProjectPhoto,
)
from charity.tests import support
from charity.tests.factories import (
    VALID_IIN,
    BudgetLineFactory,
    CharityRequestFactory,
    HouseholdMemberFactory,
    ProgrammeFactory,
    SocialProjectFactory,
)
from notifications.models import Notification
from pkop_portal import workdays
from pkop_portal.forms import PlainTextFormMixin

pytestmark = pytest.mark.django_db
ADMIN = "/en/admin/charity/"
REQUESTS = ADMIN + "charityrequest/"
MEETINGS = ADMIN + "committeemeeting/"
IBAN = "KZ86125KZT5004100100"


def stored_files(folder: str) -> list[str]:
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return []


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def notices(request, event=None) -> list:
    rows = Notification.objects.filter(object_id=str(request.pk))
    return list(rows.filter(event=event) if event else rows)


def step_url(request, action) -> str:
    return f"{REQUESTS}{request.pk}/step/{action}/"


def snapshot(request) -> tuple:
    """Everything a refused step must leave as it was."""
    request.refresh_from_db()
    return (
        request.status,
        request.officer_id,
        request.due_date,
        request.assessment,
        request.events.count(),
        len(notices(request)),
        RequestMessage.objects.filter(request=request).count(),
    )


@pytest.fixture
def officer():
    return support.officer("caseworker")


@pytest.fixture
def officer_client(officer):
    return logged_in(officer)


@pytest.fixture
def board():
    return support.Committee()


# ----- The request list -------------------------------------------------------------------


def test_changelist_masks_iin_and_flags_overdue_and_double_help(officer_client):
    yesterday = workdays.local_now().date().replace(day=1)
    CharityRequestFactory(
        due_date=yesterday,
        registration_date=yesterday,
        flag_recent_aid=True,
        amount_requested=Decimal("150000"),
    )
    html = page(officer_client, REQUESTS)
    assert "8701******09" in html
    assert VALID_IIN not in html
    assert 'class="charity-flag-recent-aid"' in html
    assert 'class="charity-flag-open-request"' not in html
    assert "Айгерим Садыкова" in html  # officers work on requests: the name in full
    if yesterday < workdays.local_now().date():
        assert 'class="charity-overdue"' in html
    assert "Money: 150\u00a0000" in html


def test_head_sees_names_masked_and_cannot_search_by_iin():
    head = support.head()
    client = logged_in(head)
    request = CharityRequestFactory()
    html = page(client, REQUESTS)
    assert "А. С." in html
    assert "Айгерим Садыкова" not in html
    assert client.get(REQUESTS, {"q": VALID_IIN}).context["cl"].result_count == 0
    assert client.get(REQUESTS, {"q": request.number}).context["cl"].result_count == 1
    detail = page(client, f"{REQUESTS}{request.pk}/change/")
    assert "Айгерим Садыкова" not in detail and VALID_IIN not in detail
    assert "8701******09" in detail


def test_officer_searches_by_number_and_exact_iin(officer_client):
    mine = CharityRequestFactory()
    CharityRequestFactory(iin="880202400016")
    found = officer_client.get(REQUESTS, {"q": VALID_IIN}).context["cl"].result_list
    assert [r.pk for r in found] == [mine.pk]
    assert officer_client.get(REQUESTS, {"q": VALID_IIN[:6]}).context["cl"].result_count == 0
    by_number = officer_client.get(REQUESTS, {"q": mine.number.lower()})
    assert [r.pk for r in by_number.context["cl"].result_list] == [mine.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status__exact": "under_review"}, {"review"}),
        ({"category__exact": "pensioners"}, {"pensioner"}),
        ({"district__exact": "turan"}, {"pensioner"}),
        ({"flag": "recent_aid"}, {"flagged"}),
        ({"flag": "open_request"}, {"review"}),
        ({"flag": "any"}, {"flagged", "review"}),
        ({"flag": "none"}, {"pensioner", "programme"}),
        ({"channel__exact": "appeal"}, {"pensioner"}),
        ({"overdue": "yes"}, {"flagged"}),
    ],
)
def test_changelist_filters(officer_client, query, expected):
    today = workdays.local_now().date()
    programme = ProgrammeFactory()
    made = {
        "flagged": CharityRequestFactory(
            flag_recent_aid=True, due_date=today.replace(year=today.year - 1)
        ),
        "review": CharityRequestFactory(status="under_review", flag_open_request=True),
        "pensioner": CharityRequestFactory(
            category="pensioners", district="turan", channel="appeal"
        ),
        "programme": CharityRequestFactory(programme=programme),
    }
    names = {pk: name for name, pk in ((n, r.pk) for n, r in made.items())}
    listed = officer_client.get(REQUESTS, query).context["cl"].result_list
    assert {names[r.pk] for r in listed} == expected
    by_programme = officer_client.get(REQUESTS, {"programme__id__exact": programme.pk})
    assert [r.pk for r in by_programme.context["cl"].result_list] == [made["programme"].pk]


def test_changelist_filters_by_officer(officer_client, officer):
    mine = CharityRequestFactory(officer=officer)
    CharityRequestFactory()
    listed = officer_client.get(REQUESTS, {"officer__id__exact": officer.pk})
    assert [r.pk for r in listed.context["cl"].result_list] == [mine.pk]


@pytest.mark.parametrize("group", ["Charity officer", "Head"])
def test_request_changelist_query_count_does_not_grow_with_rows(group, query_count):
    from appeals.tests.factories import staff_user

    client = logged_in(staff_user("viewer", group))
    programme = ProgrammeFactory()
    officers = [support.officer(f"o{n}") for n in range(3)]

    def count(rows):
        queries, response = query_count(lambda: client.get(REQUESTS))
        assert response.context["cl"].result_count == rows
        return queries

    CharityRequestFactory(officer=officers[0], programme=programme, flag_recent_aid=True)
    one = count(1)
    for n in range(24):
        CharityRequestFactory(officer=officers[n % 3], programme=programme)
    assert count(25) == one


# ----- The request's page: read-only, buttons, panels ----------------------------------------


def test_request_page_is_read_only_with_inlines(officer_client, officer):
    request = support.open_request()
    HouseholdMemberFactory(request=request)
    RequestMessage.objects.create(request=request, text="Когда будет решение?")
    RequestEvent.objects.create(request=request, kind=RequestEvent.Kind.SUBMITTED)
    html = page(officer_client, f"{REQUESTS}{request.pk}/change/")
    assert 'name="_save"' not in html
    assert 'name="status"' not in html
    assert "Алихан Садыков" in html
    assert "Когда будет решение?" in html
    assert (
        officer_client.post(f"{REQUESTS}{request.pk}/change/", {"status": "closed"}).status_code
        == 403
    )
    request.refresh_from_db()
    assert request.status == enums.Status.SUBMITTED


@pytest.mark.parametrize(
    ("status", "assessed", "expected"),
    [
        (
            "submitted",
            False,
            {"assign", "ask_documents", "start_review", "message", "note", "withdraw"},
        ),
        (
            "under_review",
            True,
            {
                "assign",
                "ask_documents",
                "assess",
                "send_to_committee",
                "message",
                "note",
                "withdraw",
            },
        ),
        (
            "under_review",
            False,
            {"assign", "ask_documents", "assess", "message", "note", "withdraw"},
        ),
        ("at_committee", True, {"assign", "message", "note", "withdraw"}),
        ("rejected", True, {"assign", "message", "note", "close"}),
        ("closed", True, {"note"}),
        ("withdrawn", False, {"note"}),
    ],
)
def test_officer_buttons_follow_the_status(officer_client, officer, status, assessed, expected):
    request = support.open_request(
        status=status, assessed_at=workdays.local_now() if assessed else None
    )
    html = page(officer_client, f"{REQUESTS}{request.pk}/change/")
    shown = {a for a in admin_action_names() if f'class="charity-action-{a}"' in html}
    assert shown == expected


def admin_action_names():
    from charity.admin import ACTIONS

    return set(ACTIONS)


def test_head_sees_only_extend_and_note():
    client = logged_in(support.head())
    request = support.open_request()
    html = page(client, f"{REQUESTS}{request.pk}/change/")
    shown = {a for a in admin_action_names() if f'class="charity-action-{a}"' in html}
    assert shown == {"extend", "note"}
    assert client.get(step_url(request, "start_review")).status_code == 403


def test_committee_member_sees_no_officer_buttons(board):
    request = support.open_request()
    html = page(logged_in(board.alice), f"{REQUESTS}{request.pk}/change/")
    shown = {a for a in admin_action_names() if f'class="charity-action-{a}"' in html}
    assert shown == {"note"}


def test_double_help_panel_lists_earlier_and_open_requests(officer_client, officer):
    earlier = support.open_request(status="under_review")
    request = support.open_request()
    html = page(officer_client, f"{REQUESTS}{request.pk}/change/")
    assert f'<a href="{REQUESTS}{earlier.pk}/change/">{earlier.number}</a>' in html
    assert 'id="charity-overlaps-open"' in html
    assert 'id="charity-overlaps-recent"' not in html


def test_document_download_is_an_attachment_of_a_visible_request(
    officer_client, settings, tmp_path
):
    request = support.open_request()
    document = RequestDocument(
        request=request,
        stored_name="x.pdf",
        original_name="справка.html",
        content_type="application/pdf",
        size=len(support.PDF),
    )
    document.file.save("x.pdf", SimpleUploadedFile("x.pdf", support.PDF), save=False)
    document.save()
    html = page(officer_client, f"{REQUESTS}{request.pk}/change/")
    url = f"{REQUESTS}{request.pk}/document/{document.pk}/"
    assert f'href="{url}"' in html
    response = officer_client.get(url)
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "справка.pdf" in response["Content-Disposition"]
        or ".pdf" in response["Content-Disposition"]
    )
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == support.PDF
    other = support.open_request()
    assert officer_client.get(f"{REQUESTS}{other.pk}/document/{document.pk}/").status_code == 404
    head = logged_in(support.head())
    assert head.get(url).status_code == 403


# ----- Workflow steps through the admin ---------------------------------------------------


def test_assign_an_officer(officer_client, officer):
    colleague = support.officer("colleague")
    request = support.open_request()
    response = officer_client.post(step_url(request, "assign"), {"officer": colleague.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{REQUESTS}{request.pk}/change/"
    request.refresh_from_db()
    assert request.officer == colleague
    assert request.events.get().kind == RequestEvent.Kind.ASSIGNED


def test_ask_for_documents_offers_the_category_checklist(officer_client, officer):
    request = support.open_request(category=enums.Category.LARGE_FAMILY)
    html = page(officer_client, step_url(request, "ask_documents"))
    status_doc = DocumentType.objects.get(slug="large_family_status")
    pension = DocumentType.objects.get(slug="pension")
    assert f'value="{status_doc.pk}"' in html
    assert f'value="{pension.pk}"' not in html  # not on this category's checklist
    response = officer_client.post(
        step_url(request, "ask_documents"), {"missing": [status_doc.pk], "note": "Скан с печатью"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == enums.Status.DOCUMENTS_INCOMPLETE
    assert list(request.missing_documents.all()) == [status_doc]
    assert request.missing_note == "Скан с печатью"
    assert [n.event for n in notices(request)] == ["charity.documents_requested"]


def test_ask_for_documents_refuses_a_document_of_another_category(officer_client):
    request = support.open_request(category=enums.Category.LARGE_FAMILY)
    pension = DocumentType.objects.get(slug="pension")
    before = snapshot(request)
    response = officer_client.post(step_url(request, "ask_documents"), {"missing": [pension.pk]})
    assert response.status_code == 200
    assert snapshot(request) == before


def test_start_review_then_assess_then_send_to_committee(officer_client, officer, board):
    request = support.open_request()
    HouseholdMemberFactory(request=request)
    programme = ProgrammeFactory()
    assert officer_client.post(step_url(request, "start_review"), {}).status_code == 302
    request.refresh_from_db()
    assert request.status == enums.Status.UNDER_REVIEW
    html = page(officer_client, step_url(request, "assess"))
    # 180 000 tenge for the applicant and one member listed.
    assert '<td id="charity-income-per-member">90\u00a0000</td>' in html
    response = officer_client.post(
        step_url(request, "assess"),
        {
            "household_size": "4",
            "earlier_aid_note": "Не получали",
            "home_visit_note": "Посещение 12.03",
            "assessment": "Нуждаются в помощи",
            "programme": programme.pk,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.household_size, request.income_per_member) == (4, Decimal("45000.00"))
    assert (request.assessed_by, request.programme) == (officer, programme)
    response = officer_client.post(
        step_url(request, "send_to_committee"), {"meeting": board.meeting.pk}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == enums.Status.AT_COMMITTEE
    assert list(board.meeting.requests.all()) == [request]
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds == [
        "review_started",
        "flags_checked",
        "assessed",
        "flags_checked",
        "sent_to_committee",
    ]
    assert [n.event for n in notices(request)] == ["charity.status_changed"] * 2


def test_a_refused_step_shows_the_reason_and_changes_nothing(officer_client, board):
    request = support.open_request(status="under_review")  # not assessed
    before = snapshot(request)
    response = officer_client.post(
        step_url(request, "send_to_committee"), {"meeting": board.meeting.pk}
    )
    assert response.status_code == 200
    with translation.override("en"):
        assert gettext("Assess the request before sending it to the committee.") in (
            response.content.decode()
        )
    assert snapshot(request) == before
    assert not board.meeting.requests.exists()


def test_start_review_from_a_wrong_status_is_refused(officer_client):
    request = support.open_request(status="at_committee")
    before = snapshot(request)
    response = officer_client.post(step_url(request, "start_review"), {})
    assert response.status_code == 200
    assert 'id="charity-action-errors"' in response.content.decode()
    assert snapshot(request) == before


def test_message_the_applicant_and_internal_note(officer_client, officer):
    request = support.open_request()
    officer_client.post(step_url(request, "message"), {"text": "Принесите оригиналы"})
    officer_client.post(step_url(request, "note"), {"text": "Звонил, уточнил адрес"})
    message = RequestMessage.objects.get(request=request)
    assert (message.by, message.text) == (officer, "Принесите оригиналы")
    kinds = list(request.events.values_list("kind", "note"))
    assert kinds == [("message", ""), ("note", "Звонил, уточнил адрес")]
    assert [n.event for n in notices(request)] == ["charity.message"]


def test_head_extends_the_deadline():
    client = logged_in(support.head())
    request = support.open_request()
    new_due = workdays.add_working_days(request.due_date, 5)
    response = client.post(
        step_url(request, "extend"), {"new_due": new_due.isoformat(), "reason": "Запрос в акимат"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.due_date == new_due
    assert request.events.get().kind == RequestEvent.Kind.EXTENDED
    assert [n.event for n in notices(request)] == ["charity.extended"]


def test_officer_cannot_extend(officer_client):
    request = support.open_request()
    before = snapshot(request)
    response = officer_client.post(
        step_url(request, "extend"), {"new_due": "2099-01-01", "reason": "x"}
    )
    assert response.status_code == 403
    assert snapshot(request) == before


def test_record_a_withdrawal_and_close_after_rejection(officer_client, board):
    request = support.open_request(status="approved")
    response = officer_client.post(step_url(request, "withdraw"), {"reason": "Заявление от 12.03"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == enums.Status.WITHDRAWN
    rejected = support.open_request(status="rejected")
    assert officer_client.post(step_url(rejected, "close"), {}).status_code == 302
    rejected.refresh_from_db()
    assert rejected.status == enums.Status.CLOSED
    assert [n.event for n in notices(rejected)] == ["charity.closed"]


def test_unknown_step_is_404_and_invisible_request_is_404(officer_client):
    request = support.open_request()
    assert officer_client.get(step_url(request, "approve")).status_code == 404
    assert officer_client.get(f"{REQUESTS}{request.pk + 999}/step/note/").status_code == 404


# ----- The committee -------------------------------------------------------------------------


def test_committee_member_plans_a_meeting(board):
    client = logged_in(board.chair)
    html = page(client, MEETINGS + "add/")
    assert 'name="members"' in html
    response = client.post(
        MEETINGS + "add/",
        {
            "held_on": "2026-12-10",
            "place": "Зал заседаний",
            "language": "kk",
            "chair": board.chair.pk,
            "members": [board.alice.pk, board.bob.pk],
        },
    )
    meeting = CommitteeMeeting.objects.exclude(pk=board.meeting.pk).get()
    assert response["Location"] == f"{MEETINGS}{meeting.pk}/change/"
    assert (meeting.language, meeting.place, meeting.chair) == ("kk", "Зал заседаний", board.chair)
    assert set(meeting.members.all()) == {board.chair, board.alice, board.bob}


def test_planning_a_meeting_with_one_member_is_refused(board):
    client = logged_in(board.chair)
    response = client.post(
        MEETINGS + "add/",
        {
            "held_on": "2026-12-10",
            "language": "ru",
            "chair": board.chair.pk,
            "members": [board.chair.pk],
        },
    )
    assert response.status_code == 200
    assert CommitteeMeeting.objects.count() == 1


def agenda_url(board, request, action):
    return f"{MEETINGS}{board.meeting.pk}/request/{request.pk}/{action}/"


def item_rows(*rows):
    data = {
        "items-TOTAL_FORMS": "4",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
    }
    for n, (line, description, amount) in enumerate(rows):
        data.update(
            {
                f"items-{n}-budget_line": line.pk,
                f"items-{n}-description": description,
                f"items-{n}-quantity": "1",
                f"items-{n}-unit": "",
                f"items-{n}-amount": amount,
            }
        )
    return data


def test_the_committee_decides_through_the_admin(board):
    line = BudgetLineFactory(amount=Decimal("500000"))
    request = board.request()
    alice, chair, bob = logged_in(board.alice), logged_in(board.chair), logged_in(board.bob)
    html = page(alice, f"{MEETINGS}{board.meeting.pk}/change/")
    assert f'href="{agenda_url(board, request, "declare")}"' in html
    assert f'href="{agenda_url(board, request, "decide")}"' not in html  # not declared yet
    alice.post(agenda_url(board, request, "declare"), {"has_conflict": "no"})
    bob.post(
        agenda_url(board, request, "declare"), {"has_conflict": "yes", "note": "Брат заявителя"}
    )
    chair.post(agenda_url(board, request, "declare"), {"has_conflict": "no"})
    assert ConflictDeclaration.objects.filter(request=request).count() == 3
    assert ConflictDeclaration.objects.get(member=board.bob).has_conflict is True

    html = page(alice, f"{MEETINGS}{board.meeting.pk}/change/")
    assert f'href="{agenda_url(board, request, "decide")}"' in html
    assert f'href="{agenda_url(board, request, "approve")}"' not in html  # Alice is no chair
    response = alice.post(
        agenda_url(board, request, "decide"),
        {
            "outcome": "approved",
            "reasons": "Многодетная семья",
            **item_rows((line, "Помощь", "120000")),
        },
    )
    assert response.status_code == 302
    decision = CommitteeDecision.objects.get(request=request)
    assert [(i.description, i.amount) for i in decision.items.all()] == [
        ("Помощь", Decimal("120000.00"))
    ]
    assert not decision.is_approved

    html = page(chair, f"{MEETINGS}{board.meeting.pk}/change/")
    assert f'href="{agenda_url(board, request, "approve")}"' in html
    assert chair.post(agenda_url(board, request, "approve"), {}).status_code == 302
    decision.refresh_from_db()
    request.refresh_from_db()
    line.refresh_from_db()
    assert decision.approved_by == board.chair
    assert set(decision.participants.all()) == {board.chair, board.alice}
    assert request.status == enums.Status.APPROVED
    assert line.reserved == Decimal("120000.00")
    assert [n.event for n in notices(request)] == ["charity.decided"]


def test_a_member_declares_only_for_themselves(board):
    request = board.request()
    logged_in(board.alice).post(agenda_url(board, request, "declare"), {"has_conflict": "no"})
    assert list(ConflictDeclaration.objects.values_list("member", flat=True)) == [board.alice.pk]
    outsider = support.member("carol")  # committee group, not on this meeting
    response = logged_in(outsider).post(
        agenda_url(board, request, "declare"), {"has_conflict": "no"}
    )
    assert response.status_code == 302
    assert ConflictDeclaration.objects.count() == 1


def test_chair_approval_over_budget_is_refused_with_a_message_and_changes_nothing(board):
    line = BudgetLineFactory(amount=Decimal("100000"))
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(
        board.meeting, request, by=board.alice, items=[support.money_item(line, "150000")]
    )
    chair = logged_in(board.chair)
    response = chair.post(agenda_url(board, request, "approve"), {}, follow=True)
    html = response.content.decode()
    assert "Over budget" in html
    assert 'class="error"' in html
    decision.refresh_from_db()
    request.refresh_from_db()
    line.refresh_from_db()
    assert (decision.approved_at, request.status, line.reserved) == (
        None,
        enums.Status.AT_COMMITTEE,
        Decimal("0.00"),
    )
    assert notices(request) == []


def test_the_assessor_cannot_approve_four_eyes(board):
    line = BudgetLineFactory()
    request = support.at_committee(board.meeting, assessed_by=board.chair)
    support.declare_all(board.meeting, request)
    support.recorded(
        board.meeting, request, by=board.alice, items=[support.money_item(line, "1000")]
    )
    response = logged_in(board.chair).post(agenda_url(board, request, "approve"), {}, follow=True)
    with translation.override("en"):
        assert gettext("Four eyes: the officer who assessed the request cannot approve it.") in (
            response.content.decode()
        )
    request.refresh_from_db()
    assert request.status == enums.Status.AT_COMMITTEE


def test_a_member_cannot_approve(board):
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(board.meeting, request, by=board.alice)
    logged_in(board.alice).post(agenda_url(board, request, "approve"), {})
    decision.refresh_from_db()
    assert decision.approved_at is None


def test_decision_form_refuses_items_on_a_rejection(board):
    line = BudgetLineFactory()
    request = board.request()
    support.declare_all(board.meeting, request)
    response = logged_in(board.alice).post(
        agenda_url(board, request, "decide"),
        {"outcome": "rejected", "reasons": "Доход выше порога", **item_rows((line, "x", "10"))},
    )
    assert response.status_code == 200
    assert not CommitteeDecision.objects.exists()


def test_chair_approves_the_minutes(board):
    request = board.request()
    board.decide(request)
    chair = logged_in(board.chair)
    html = page(chair, f"{MEETINGS}{board.meeting.pk}/change/")
    assert 'class="meeting-approve-minutes"' in html
    assert chair.post(f"{MEETINGS}{board.meeting.pk}/approve-minutes/", {}).status_code == 302
    board.meeting.refresh_from_db()
    assert board.meeting.status == enums.MeetingStatus.APPROVED
    html = page(chair, f"{MEETINGS}{board.meeting.pk}/change/")
    assert 'class="meeting-approve-minutes"' not in html
    assert 'class="button agenda-' not in html


def test_minutes_approval_with_an_undecided_request_is_refused(board):
    board.request()
    chair = logged_in(board.chair)
    chair.post(f"{MEETINGS}{board.meeting.pk}/approve-minutes/", {})
    board.meeting.refresh_from_db()
    assert board.meeting.status == enums.MeetingStatus.PLANNED


def test_meeting_changelist_query_count_is_constant(board, query_count):
    client = logged_in(board.chair)

    def count(rows):
        queries, response = query_count(lambda: client.get(MEETINGS))
        assert response.context["cl"].result_count == rows
        return queries

    one = count(1)
    for _n in range(11):
        support.meeting(board.chair, board.alice, board.bob)
    assert count(12) == one


def test_printable_minutes_in_kazakh(board):
    line = BudgetLineFactory(amount=Decimal("500000"))
    board.meeting.language = "kk"
    board.meeting.save()
    request = board.request()
    board.decide(
        request, items=[support.money_item(line, "75000", "Қысқы киім")], conflicted=[board.bob]
    )
    html = page(logged_in(board.chair), f"{MEETINGS}{board.meeting.pk}/minutes/")
    assert '<html lang="kk">' in html
    assert "/static/css/charity-minutes.css" in html
    assert "<script" not in html and "style=" not in html
    assert 'id="header"' not in html  # no admin chrome
    assert request.number in html and "Қысқы киім" in html
    assert "Родственник заявителя" in html  # Bob's declared conflict
    with translation.override("kk"):
        expected = [gettext(s) for s in ("Date", "Place", "Decision", "Category", "Status")]
        labels = [str(enums.Outcome.APPROVED.label), str(enums.Category.LARGE_FAMILY.label)]
    assert expected == ["Күні", "Орны", "Шешім", "Санат", "Мәртебесі"]
    for text in expected + labels:
        assert text in html
    for english in ('<th scope="row">Date</th>', '<th scope="row">Place</th>', "<dt>Decision</dt>"):
        assert english not in html


# ----- Hand-over and cancellation of items ----------------------------------------------------


def approved_item(board, amount="100000"):
    line = BudgetLineFactory(amount=Decimal("1000000"))
    request, decision = board.approved(line, amount)
    return request, decision.items.get(), line


def test_officer_hands_an_item_over_with_a_masked_account(board):
    request, item, line = approved_item(board)
    client = logged_in(board.officer)
    html = page(client, f"{REQUESTS}{request.pk}/change/")
    url = f"{REQUESTS}{request.pk}/item/{item.pk}/disburse/"
    assert f'href="{url}"' in html
    response = client.post(
        url,
        {
            "disbursed_on": workdays.local_now().date().isoformat(),
            "method": "bank_transfer",
            "amount": "100000",
            "account": "KZ86 125K ZT50 0410 0100",
            "handed_over_by": board.officer.pk,
            "act": SimpleUploadedFile("act.pdf", support.PDF, content_type="application/pdf"),
            "note": "",
            "supplier": "",
        },
    )
    assert response.status_code == 302
    paid = Disbursement.objects.get()
    assert (paid.account, paid.recorded_by) == (IBAN, board.officer)
    request.refresh_from_db()
    line.refresh_from_db()
    assert request.status == enums.Status.DISBURSED
    assert line.disbursed == Decimal("100000.00")
    html = page(client, f"{REQUESTS}{request.pk}/change/")
    assert "****0100" in html and IBAN not in html
    assert f"{REQUESTS}{request.pk}/act/{item.pk}/" in html
    listing = page(client, ADMIN + "disbursement/")
    assert "****0100" in listing and IBAN not in listing
    detail = page(client, f"{ADMIN}disbursement/{paid.pk}/change/")
    assert "****0100" in detail and IBAN not in detail
    act = client.get(f"{REQUESTS}{request.pk}/act/{item.pk}/")
    assert act["Content-Disposition"].startswith("attachment;")


def test_hand_over_refuses_a_mistyped_iban_and_a_forged_act(board):
    request, item, line = approved_item(board)
    client = logged_in(board.officer)
    before = stored_files(f"charity/{request.year}/{request.number}/acts")
    response = client.post(
        f"{REQUESTS}{request.pk}/item/{item.pk}/disburse/",
        {
            "disbursed_on": workdays.local_now().date().isoformat(),
            "method": "bank_transfer",
            "amount": "100000",
            "account": "KZ86125KZT5004100101",
            "handed_over_by": board.officer.pk,
            "act": SimpleUploadedFile("act.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"account", "act"}
    assert not Disbursement.objects.exists()
    assert stored_files(f"charity/{request.year}/{request.number}/acts") == before
    item.refresh_from_db()
    assert item.status == enums.ItemStatus.APPROVED


def test_cancel_an_item_closes_the_request_when_nothing_was_handed_over(board):
    request, item, line = approved_item(board)
    client = logged_in(board.officer)
    response = client.post(
        f"{REQUESTS}{request.pk}/item/{item.pk}/cancel/", {"reason": "Семья переехала"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    request.refresh_from_db()
    line.refresh_from_db()
    assert (item.status, item.cancel_reason) == (enums.ItemStatus.CANCELLED, "Семья переехала")
    assert request.status == enums.Status.CLOSED
    assert line.reserved == Decimal("0.00")


def test_head_sees_no_item_buttons_and_cannot_hand_over(board):
    request, item, _line = approved_item(board)
    client = logged_in(support.head())
    html = page(client, f"{REQUESTS}{request.pk}/change/")
    assert "charity-item-disburse" not in html
    assert client.get(f"{REQUESTS}{request.pk}/item/{item.pk}/disburse/").status_code == 403
    assert (
        client.post(f"{REQUESTS}{request.pk}/item/{item.pk}/cancel/", {"reason": "x"}).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.status == enums.ItemStatus.APPROVED


def test_disbursement_and_item_changelists_have_constant_queries(board, query_count):
    from charity.services import disbursement

    line = BudgetLineFactory(amount=Decimal("10000000"))
    client = logged_in(board.officer)

    def hand_over(count):
        for _n in range(count):
            _request, decision = board.approved(line, "1000")
            disbursement.item_disburse(
                item_id=decision.items.get().pk,
                by=board.officer,
                disbursed_on=workdays.local_now().date(),
                method="bank_transfer",
                amount=Decimal("1000"),
                handed_over_by=board.officer,
                act=SimpleUploadedFile("act.pdf", support.PDF),
                account=IBAN,
            )

    def counts(rows):
        found = []
        for url in (ADMIN + "disbursement/", ADMIN + "aiditem/"):
            queries, response = query_count(lambda url=url: client.get(url))
            assert response.context["cl"].result_count == rows
            found.append(queries)
        return found

    hand_over(1)
    one = counts(1)
    hand_over(9)
    assert counts(10) == one


# ----- Programmes and budgets ------------------------------------------------------------------


def test_programme_budget_page_shows_lines_and_totals(board):
    programme = ProgrammeFactory()
    money = BudgetLineFactory(programme=programme, amount=Decimal("1000000"))
    BudgetLineFactory(programme=programme, aid_kind="goods", amount=Decimal("500000"))
    board.approved(money, "300000")
    client = logged_in(board.chair)
    html = page(client, f"{ADMIN}programme/{programme.pk}/budget/")
    row = html[html.index(f'id="budget-line-{money.pk}"') :]
    assert '<td class="budget-amount">1,000,000.00</td>' in row
    assert '<td class="budget-reserved">300,000.00</td>' in row
    assert '<td class="budget-remaining">700,000.00</td>' in row
    total = html[html.index('id="budget-total"') :]
    assert '<td class="budget-amount">1,500,000.00</td>' in total
    assert '<td class="budget-remaining">1,200,000.00</td>' in total
    assert 'class="programme-export"' in html
    officer_html = page(logged_in(board.officer), f"{ADMIN}programme/{programme.pk}/budget/")
    assert 'class="programme-export"' not in officer_html


def test_budget_line_cannot_go_below_what_is_reserved(board):
    programme = ProgrammeFactory()
    line = BudgetLineFactory(programme=programme, amount=Decimal("1000000"))
    board.approved(line, "300000")
    client = logged_in(board.chair)
    data = {
        "year": programme.year,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
        "answer_working_days": 15,
        "is_active": "on",
        "title_kk": "a",
        "title_ru": "b",
        "title_en": "c",
        "title_zh_hans": "d",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-id": line.pk,
        "lines-0-programme": programme.pk,
        "lines-0-aid_kind": "money",
        "lines-0-amount": "200000",
    }
    response = client.post(f"{ADMIN}programme/{programme.pk}/change/", data)
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.amount == Decimal("1000000.00")
    data["lines-0-amount"] = "400000"
    assert client.post(f"{ADMIN}programme/{programme.pk}/change/", data).status_code == 302
    line.refresh_from_db()
    assert (line.amount, line.reserved) == (Decimal("400000.00"), Decimal("300000.00"))


@pytest.mark.parametrize(
    "path", ["programme/", "documenttype/", "checklistitem/", "socialproject/", "exportlog/"]
)
def test_other_changelists_have_constant_queries(board, path, query_count):
    client = logged_in(board.chair)
    client.get(f"{ADMIN}{path}")  # warm up the session
    first, response = query_count(lambda: client.get(f"{ADMIN}{path}"))
    assert response.status_code == 200
    for n in range(6):
        ProgrammeFactory(year=2030 + n)
        SocialProjectFactory()
        DocumentType.objects.create(
            slug=f"extra-{n}", name_kk="a", name_ru="b", name_en="c", name_zh_hans="d"
        )
        ChecklistItem.objects.create(
            category="other", document_type=DocumentType.objects.get(slug=f"extra-{n}")
        )
    from charity import exports

    exports.programme_export(programme=ProgrammeFactory(year=2040), by=board.chair)
    exports.programme_export(programme=ProgrammeFactory(year=2041), by=board.chair)
    again, response = query_count(lambda: client.get(f"{ADMIN}{path}"))
    assert response.status_code == 200
    assert again == first


# ----- Checklist and social projects ---------------------------------------------------------


def test_officer_edits_the_checklist_in_four_languages(officer_client):
    pension = DocumentType.objects.get(slug="pension")
    html = page(officer_client, f"{ADMIN}checklistitem/?category__exact=pensioners")
    assert pension.name_en in html
    item = ChecklistItem.objects.get(category="pensioners", document_type=pension)
    response = officer_client.post(
        f"{ADMIN}documenttype/{pension.pk}/change/",
        {
            "slug": "pension",
            "position": pension.position,
            "name_kk": pension.name_kk,
            "name_ru": "Справка о пенсии (новая)",
            "name_en": pension.name_en,
            "name_zh_hans": pension.name_zh_hans,
            "hint_kk": "",
            "hint_ru": "ЦОН",
            "hint_en": "",
            "hint_zh_hans": "",
            "checklist_items-TOTAL_FORMS": "1",
            "checklist_items-INITIAL_FORMS": "1",
            "checklist_items-MIN_NUM_FORMS": "0",
            "checklist_items-MAX_NUM_FORMS": "1000",
            "checklist_items-0-id": item.pk,
            "checklist_items-0-document_type": pension.pk,
            "checklist_items-0-category": "pensioners",
            "checklist_items-0-position": "0",
        },
    )
    assert response.status_code == 302
    pension.refresh_from_db()
    item.refresh_from_db()
    assert (pension.name_ru, pension.hint_ru) == ("Справка о пенсии (новая)", "ЦОН")
    assert item.is_required is False  # the box was left unticked


def photo(kind="JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, kind)
    name = "площадка.jpg" if kind == "JPEG" else "площадка.png"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def project_data(project, **photo_fields):
    data = {
        "district": project.district,
        "year": project.year,
        "status": project.status,
        "budget": "25000000",
        "spent": "24100000",
        "is_published": "on",
        "position": "0",
        "title_kk": project.title_kk,
        "title_ru": project.title_ru,
        "title_en": project.title_en,
        "title_zh_hans": project.title_zh_hans,
        "description_kk": project.description_kk,
        "description_ru": project.description_ru,
        "description_en": project.description_en,
        "description_zh_hans": project.description_zh_hans,
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
    }
    data.update({f"photos-0-{k}": v for k, v in photo_fields.items()})
    return data


def alt_texts():
    return {
        "alt_kk": "Ойын алаңы",
        "alt_ru": "Площадка",
        "alt_en": "Playground",
        "alt_zh_hans": "游乐场",
        "position": "0",
    }


def test_social_project_photo_is_stored_under_a_random_name(board):
    project = SocialProjectFactory()
    client = logged_in(board.chair)
    response = client.post(
        f"{ADMIN}socialproject/{project.pk}/change/",
        project_data(project, image=photo("PNG"), **alt_texts()),
    )
    assert response.status_code == 302
    stored = SocialProjectPhoto.objects.get()
    assert (stored.original_name, stored.content_type) == ("площадка.png", "image/png")
    assert stored.stored_name.endswith(".png") and "площадка" not in stored.image.name
    assert stored.image.name == f"social-projects/{project.pk}/{stored.stored_name}"
    assert default_storage.exists(stored.image.name)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)></svg>", content_type="image/jpeg"),
        SimpleUploadedFile("photo.jpg", support.PDF, content_type="image/jpeg"),
    ],
    ids=["svg", "pdf"],
)
def test_a_forged_photo_is_refused_and_nothing_stored(board, upload):
    project = SocialProjectFactory()
    before = stored_files(f"social-projects/{project.pk}")
    response = logged_in(board.chair).post(
        f"{ADMIN}socialproject/{project.pk}/change/",
        project_data(project, image=upload, **alt_texts()),
    )
    assert response.status_code == 200
    assert not SocialProjectPhoto.objects.exists()
    assert stored_files(f"social-projects/{project.pk}") == before


def test_social_project_list_shows_amounts_and_photo_count(board):
    SocialProjectFactory()
    html = page(logged_in(board.chair), f"{ADMIN}socialproject/")
    assert "25\u00a0000\u00a0000" in html and "Children&#x27;s playground" in html


# ----- Forms ---------------------------------------------------------------------------------


# Every text field of every charity admin form and the column it is stored in (a new field must
# be added here, so that its limit is checked against its column).
COLUMNS = {
    admin_forms.ConfirmForm: {},
    admin_forms.AssignForm: {},
    admin_forms.AskDocumentsForm: {"note": (CharityRequest, "missing_note")},
    admin_forms.AssessForm: {
        "earlier_aid_note": (CharityRequest, "earlier_aid_note"),
        "home_visit_note": (CharityRequest, "home_visit_note"),
        "assessment": (CharityRequest, "assessment"),
    },
    admin_forms.SendToCommitteeForm: {},
    admin_forms.MessageForm: {"text": (RequestMessage, "text")},
    admin_forms.NoteForm: {"text": (RequestEvent, "note")},
    admin_forms.ExtendForm: {"reason": (RequestEvent, "note")},
    admin_forms.WithdrawForm: {"reason": (RequestEvent, "note")},
    admin_forms.DisburseForm: {
        "account": (Disbursement, "account"),
        "supplier": (Disbursement, "supplier"),
        "note": (Disbursement, "note"),
    },
    admin_forms.ItemCancelForm: {"reason": (AidItem, "cancel_reason")},
    admin_forms.MeetingForm: {"place": (CommitteeMeeting, "place")},
    admin_forms.ConflictForm: {"note": (ConflictDeclaration, "note")},
    admin_forms.DecisionForm: {"reasons": (CommitteeDecision, "reasons")},
    admin_forms.DeferForm: {"reason": (RequestEvent, "note")},
    admin_forms.ItemForm: {
        "description": (AidItem, "description"),
        "unit": (AidItem, "unit"),
    },
    admin_forms.ToCharityForm: {"aid_description": (CharityRequest, "aid_description")},
    admin_forms.BookingToCharityForm: {
        "aid_description": (CharityRequest, "aid_description"),
        "address": (CharityRequest, "address"),
    },
    admin_forms.BudgetLineForm: {},
    admin_forms.SocialProjectPhotoForm: {
        f"alt_{language}": (SocialProjectPhoto, f"alt_{language}")
        for language in ("kk", "ru", "en", "zh_hans")
    },
}


def text_fields(form) -> dict:
    from django import forms

    return {n: f for n, f in form.fields.items() if isinstance(f, forms.CharField)}


def test_every_charity_admin_form_is_in_the_table():
    import inspect

    from django import forms

    found = {
        obj
        for obj in vars(admin_forms).values()
        if inspect.isclass(obj)
        and issubclass(obj, forms.BaseForm)
        and obj.__module__ == admin_forms.__name__
    }
    assert found == set(COLUMNS)


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda c: c.__name__)
def test_every_charity_admin_form_fits_its_columns_and_refuses_control_characters(form_class):
    assert issubclass(form_class, PlainTextFormMixin)
    form = form_class()
    table = COLUMNS[form_class]
    assert set(text_fields(form)) == set(table)
    for name, field in text_fields(form).items():
        model, column_name = table[name]
        column = model._meta.get_field(column_name).max_length
        assert column is None or (field.max_length is not None and field.max_length <= column)
        bound = form_class(data={form.add_prefix(name): "Айгерим\x01Садыкова"})
        bound.is_valid()
        with translation.override("en"):
            expected = (
                f"“{field.label}” contains an invisible control character (U+0001). "
                "Remove it and try again."
            )
        assert expected in bound.errors.get(name, []), (form_class, name)


def test_budget_line_form_needs_its_amount_at_least_reserved():
    line = BudgetLineFactory(amount=Decimal("100"))
    BudgetLine.objects.filter(pk=line.pk).update(reserved=Decimal("60"))
    line.refresh_from_db()
    form = admin_forms.BudgetLineForm(
        data={"aid_kind": "money", "amount": "50", "programme": line.programme_id}, instance=line
    )
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["amount"]] == ["below_reserved"]


def test_aid_item_rows_left_untouched_are_ignored():
    line = BudgetLineFactory()
    lines = BudgetLine.objects.all()
    formset = admin_forms.ItemFormSet(
        {**item_rows((line, "Помощь", "5000")), "items-1-quantity": "1"},
        prefix="items",
        lines=lines,
    )
    assert formset.is_valid(), formset.errors
    assert [row["description"] for row in formset.items()] == ["Помощь"]


def test_requests_unchanged_by_the_admin_list(officer_client):
    CharityRequestFactory()
    before = list(CharityRequest.objects.values())
    officer_client.get(REQUESTS)
    assert list(CharityRequest.objects.values()) == before
    assert AidItem.objects.count() == 0


# ----- Fixes: budget lines through the service, postponement, withdrawal, meetings offered ----


def programme_form(programme, *lines, new=()):
    """The programme's change form as posted: its lines (line, amount) and new (kind, amount)."""
    data = {
        "year": programme.year,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
        "answer_working_days": 15,
        "is_active": "on",
        "title_kk": "a",
        "title_ru": "b",
        "title_en": "c",
        "title_zh_hans": "d",
        "lines-TOTAL_FORMS": str(len(lines) + len(new)),
        "lines-INITIAL_FORMS": str(len(lines)),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for n, (line, amount) in enumerate(lines):
        data.update(
            {
                f"lines-{n}-id": line.pk,
                f"lines-{n}-programme": programme.pk,
                f"lines-{n}-aid_kind": line.aid_kind,
                f"lines-{n}-amount": amount,
            }
        )
    for n, (kind, amount) in enumerate(new, start=len(lines)):
        data.update(
            {
                f"lines-{n}-programme": programme.pk,
                f"lines-{n}-aid_kind": kind,
                f"lines-{n}-amount": amount,
            }
        )
    return data


def test_saving_a_programme_never_writes_back_stale_reserved_sums(board, monkeypatch):
    from charity.admin import ProgrammeAdmin

    programme = ProgrammeFactory()
    line = BudgetLineFactory(programme=programme, amount=Decimal("1000000"))
    original = ProgrammeAdmin.save_model

    def approval_meanwhile(self, request, obj, form, change):
        # The form's lines were read already: an approval reserves on the line now.
        BudgetLine.objects.filter(pk=line.pk).update(
            reserved=Decimal("300000"), disbursed=Decimal("100000")
        )
        return original(self, request, obj, form, change)

    monkeypatch.setattr(ProgrammeAdmin, "save_model", approval_meanwhile)
    client = logged_in(board.chair)
    response = client.post(
        f"{ADMIN}programme/{programme.pk}/change/",
        programme_form(programme, (line, "900000"), new=[("goods", "50000")]),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.amount, line.reserved, line.disbursed) == (
        Decimal("900000"),
        Decimal("300000"),
        Decimal("100000"),
    )
    added = BudgetLine.objects.get(programme=programme, aid_kind="goods")
    assert (added.amount, added.reserved) == (Decimal("50000"), Decimal("0"))


def test_a_line_below_what_an_approval_reserved_meanwhile_is_refused_and_kept(board, monkeypatch):
    from charity.admin import ProgrammeAdmin

    programme = ProgrammeFactory()
    line = BudgetLineFactory(programme=programme, amount=Decimal("1000000"))
    original = ProgrammeAdmin.save_model

    def approval_meanwhile(self, request, obj, form, change):
        BudgetLine.objects.filter(pk=line.pk).update(reserved=Decimal("600000"))
        return original(self, request, obj, form, change)

    monkeypatch.setattr(ProgrammeAdmin, "save_model", approval_meanwhile)
    client = logged_in(board.chair)
    response = client.post(
        f"{ADMIN}programme/{programme.pk}/change/",
        programme_form(programme, (line, "500000")),
        follow=True,
    )
    line.refresh_from_db()
    assert (line.amount, line.reserved) == (Decimal("1000000"), Decimal("600000"))
    assert "At least 600\u00a0000 tenge is already reserved on this line." in (
        response.content.decode()
    )


def test_an_existing_lines_kind_of_aid_is_not_changed(board):
    programme = ProgrammeFactory()
    line = BudgetLineFactory(programme=programme, amount=Decimal("1000"))
    data = programme_form(programme, (line, "2000"))
    data["lines-0-aid_kind"] = "goods"
    client = logged_in(board.chair)
    assert client.post(f"{ADMIN}programme/{programme.pk}/change/", data).status_code == 302
    line.refresh_from_db()
    assert (line.aid_kind, line.amount) == ("money", Decimal("2000"))


def test_the_committee_postpones_a_request_from_the_meeting_page(board):
    request = board.request()
    support.declare_all(board.meeting, request)
    support.recorded(board.meeting, request, by=board.alice)
    nxt = support.meeting(
        board.chair, board.alice, held_on=workdays.local_now().date() + timedelta(days=7)
    )
    past = support.meeting(
        board.chair, board.alice, held_on=workdays.local_now().date() - timedelta(days=7)
    )
    bob = logged_in(board.bob)
    html = page(bob, f"{MEETINGS}{board.meeting.pk}/change/")
    assert f'href="{agenda_url(board, request, "defer")}"' in html
    form = page(bob, agenda_url(board, request, "defer"))
    assert f'<option value="{nxt.pk}">' in form
    assert f'<option value="{past.pk}">' not in form
    assert f'<option value="{board.meeting.pk}">' not in form
    # The reason is required: nothing changes without it.
    assert bob.post(agenda_url(board, request, "defer"), {"meeting": nxt.pk}).status_code == 200
    assert board.meeting.requests.filter(pk=request.pk).exists()
    response = bob.post(
        agenda_url(board, request, "defer"), {"meeting": nxt.pk, "reason": "Нужен акт"}
    )
    assert response.status_code == 302
    assert list(nxt.requests.all()) == [request]
    assert not board.meeting.requests.filter(pk=request.pk).exists()
    assert not CommitteeDecision.objects.filter(request=request).exists()
    [row] = notices(request, "charity.status_changed")
    assert row.context["status"] == "at_committee"


def test_postpone_back_to_the_officer_and_not_offered_to_outsiders(board, officer_client):
    request = board.request()
    # Officers see the meeting but are no members: no button, and the service refuses.
    html = page(officer_client, f"{MEETINGS}{board.meeting.pk}/change/")
    assert f'href="{agenda_url(board, request, "defer")}"' not in html
    officer_client.post(agenda_url(board, request, "defer"), {"reason": "x"})
    request.refresh_from_db()
    assert request.status == enums.Status.AT_COMMITTEE
    alice = logged_in(board.alice)
    response = alice.post(agenda_url(board, request, "defer"), {"meeting": "", "reason": "Справка"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == enums.Status.UNDER_REVIEW


def test_no_postpone_button_once_the_decision_is_approved(board):
    request = board.request()
    board.decide(request)
    html = page(logged_in(board.alice), f"{MEETINGS}{board.meeting.pk}/change/")
    assert f'href="{agenda_url(board, request, "defer")}"' not in html


def test_withdraw_button_hidden_once_part_of_the_aid_was_handed_over(officer_client, board):
    from charity.tests.test_disbursement import disburse

    line = BudgetLineFactory(amount=Decimal("500000"))
    request, decision = board.approved(line, "1000", "2000")
    html = page(officer_client, f"{REQUESTS}{request.pk}/change/")
    assert 'class="charity-action-withdraw"' in html
    disburse(decision.items.order_by("pk").first(), board.officer)
    html = page(officer_client, f"{REQUESTS}{request.pk}/change/")
    assert 'class="charity-action-withdraw"' not in html
    response = officer_client.post(step_url(request, "withdraw"), {"reason": "Звонок"})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == enums.Status.APPROVED


def test_send_to_committee_offers_only_meetings_from_today(officer_client, board):
    today = workdays.local_now().date()
    past = support.meeting(board.chair, board.alice, held_on=today - timedelta(days=1))
    request = support.open_request(
        status=enums.Status.UNDER_REVIEW, assessed_at=workdays.local_now()
    )
    html = page(officer_client, step_url(request, "send_to_committee"))
    assert f'<option value="{board.meeting.pk}">' in html  # today still counts
    assert f'<option value="{past.pk}">' not in html
