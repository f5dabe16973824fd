"""The charity demo data of `make run`: every status once, a consistent budget, valid files
and IINs, idempotent, and a public report with shown and hidden figures."""

import io
import re
from collections import Counter
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Sum
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from charity import demo, enums, reports
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
    HouseholdMember,
    Programme,
    RequestDocument,
    RequestEvent,
    RequestMessage,
    SocialProject,
    SocialProjectPhoto,
)
from pkop_portal.models import Sequence
from pkop_portal.uploads import detect_type
from pkop_portal.validators import validate_iin

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
S = enums.Status
MODELS = [
    Programme,
    BudgetLine,
    CharityRequest,
    HouseholdMember,
    RequestDocument,
    RequestMessage,
    RequestEvent,
    CommitteeMeeting,
    ConflictDeclaration,
    CommitteeDecision,
    AidItem,
    Disbursement,
    SocialProject,
    SocialProjectPhoto,
]


@pytest.fixture
def loaded(clock):
    clock.set(datetime(2026, 6, 15, 11, 0, tzinfo=ALMATY))
    return demo.charity_demo_load()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_creates_a_request_in_every_status_and_two_projects(loaded):
    assert loaded == demo.DemoResult(requests=19, projects=2)
    statuses = Counter(CharityRequest.objects.values_list("status", flat=True))
    assert set(statuses) == set(S.values)
    assert statuses[S.DISBURSED] + statuses[S.CLOSED] == 11
    assert set(CharityRequest.objects.values_list("language", flat=True)) == {
        "en",
        "kk",
        "ru",
        "zh-hans",
    }
    programme = Programme.objects.get()
    assert programme.title_en == "Assistance to needy families 2026"
    assert programme.title_kk and programme.title_ru and programme.title_zh_hans
    assert sorted(programme.lines.values_list("aid_kind", flat=True)) == sorted(
        enums.AidKind.values
    )
    numbers = list(CharityRequest.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == [f"C-2026-{n:06d}" for n in range(1, 20)]


def test_demo_loads_twice_without_duplicates(loaded):
    before = counts()
    sequence = Sequence.objects.get(prefix="C", year=2026).last
    users = get_user_model().objects.count()

    assert demo.charity_demo_load() == demo.DemoResult(requests=0, projects=0)

    assert counts() == before
    assert Sequence.objects.get(prefix="C", year=2026).last == sequence == 19
    assert get_user_model().objects.count() == users == 4


def test_demo_rows_pass_field_validation_and_iins_are_valid(loaded):
    for model in MODELS:
        for row in model.objects.all():
            row.full_clean()
    iins = list(CharityRequest.objects.values_list("iin", flat=True))
    iins += [i for i in HouseholdMember.objects.values_list("iin", flat=True) if i]
    assert len(iins) > 19
    for iin in iins:
        validate_iin(iin)
    assert len(set(CharityRequest.objects.values_list("iin", flat=True))) == 19


def test_demo_budget_lines_are_consistent_with_items_and_disbursements(loaded):
    for line in BudgetLine.objects.all():
        items = AidItem.objects.filter(budget_line=line)
        kept = items.exclude(status=enums.ItemStatus.CANCELLED).aggregate(s=Sum("amount"))["s"]
        handed = Disbursement.objects.filter(item__budget_line=line).aggregate(s=Sum("amount"))
        assert line.reserved == (kept or Decimal("0"))
        assert line.disbursed == (handed["s"] or Decimal("0"))
        assert line.disbursed <= line.reserved <= line.amount
    money = BudgetLine.objects.get(aid_kind=enums.AidKind.MONEY)
    assert (money.reserved, money.disbursed) == (Decimal("1250000"), Decimal("1050000"))


def test_demo_requests_tell_the_story_of_each_status(loaded):
    by_status = {r.status: r for r in CharityRequest.objects.all()}

    incomplete = by_status[S.DOCUMENTS_INCOMPLETE]
    assert sorted(incomplete.missing_documents.values_list("slug", flat=True)) == [
        "income",
        "large_family_status",
    ]
    assert incomplete.missing_note
    assert incomplete.messages.get().by is not None

    review = by_status[S.UNDER_REVIEW]
    assert review.assessed_by and review.assessment and review.income_per_member
    assert review.flag_recent_aid
    aided_iins = CharityRequest.objects.filter(status__in=enums.AIDED_STATUSES).values("iin")
    assert review.members.filter(iin__in=aided_iins).exists()

    at_committee = by_status[S.AT_COMMITTEE]
    planned = at_committee.meetings.get()
    assert planned.status == enums.MeetingStatus.PLANNED
    assert planned.held_on > timezone.localdate()
    assert not hasattr(at_committee, "decision") or at_committee.decision is None

    approved = by_status[S.APPROVED].decision
    assert approved.outcome == enums.Outcome.APPROVED and approved.is_approved
    assert {i.status for i in approved.items.all()} == {enums.ItemStatus.APPROVED}
    assert approved.items.count() == 2

    partly = by_status[S.PARTLY_APPROVED]
    assert partly.decision.outcome == enums.Outcome.PARTLY_APPROVED
    assert partly.decision.items.get().amount < partly.amount_requested

    rejected = by_status[S.REJECTED]
    assert rejected.decision.outcome == enums.Outcome.REJECTED
    assert rejected.decision_reasons and not rejected.decision.items.exists()
    assert rejected.channel == enums.Channel.PAPER and rejected.registered_by

    withdrawn = by_status[S.WITHDRAWN]
    assert withdrawn.withdrawn_at and withdrawn.events.filter(kind="withdrawn").exists()

    for request in CharityRequest.objects.filter(status__in=enums.AIDED_STATUSES):
        items = list(request.decision.items.all())
        assert items and all(i.status == enums.ItemStatus.DISBURSED for i in items)
        assert all(i.disbursement.act.name for i in items)
        assert (request.closed_at is not None) is (request.status == S.CLOSED)
        assert request.members.count() == 2
        assert request.answered_on_time is True
    for request in CharityRequest.objects.all():
        assert request.events.filter(kind="submitted").count() == 1
        assert list(request.events.values_list("at", flat=True)) == sorted(
            request.events.values_list("at", flat=True)
        )
        assert all(at <= timezone.now() for at in request.events.values_list("at", flat=True))


def test_demo_committee_meetings_have_declarations_and_the_conflicted_member_is_excluded(loaded):
    held = CommitteeMeeting.objects.exclude(status=enums.MeetingStatus.PLANNED)
    assert held.count() == 2
    for meeting in held:
        members = set(meeting.members.all())
        assert len(members) == 3
        for request in meeting.requests.all():
            declared = {d.member for d in meeting.declarations.filter(request=request)}
            assert declared == members
            decision = request.decision
            assert decision.approved_by == meeting.chair
            assert decision.approved_by != request.assessed_by
            conflicted = {
                d.member for d in meeting.declarations.filter(request=request, has_conflict=True)
            }
            assert set(decision.participants.all()) == members - conflicted
    assert ConflictDeclaration.objects.filter(has_conflict=True).count() == 1


def pdf_is_valid(content: bytes) -> bool:
    """Header, trailer, and an xref table whose offsets point at the objects it names."""
    if not (content.startswith(b"%PDF-1.") and content.rstrip().endswith(b"%%EOF")):
        return False
    start = int(re.search(rb"startxref\n(\d+)\n", content).group(1))
    if not content[start:].startswith(b"xref\n"):
        return False
    offsets = re.findall(rb"(\d{10}) 00000 n", content[start:])
    return all(
        content[int(offset) :].startswith(b"%d 0 obj" % number)
        for number, offset in enumerate(offsets, start=1)
    )


def test_demo_acts_and_documents_are_valid_pdfs_and_photos_valid_pngs(loaded):
    for row, field in [(d, "act") for d in Disbursement.objects.all()] + [
        (d, "file") for d in RequestDocument.objects.all()
    ]:
        with getattr(row, field).open("rb") as handle:
            content = handle.read()
        assert pdf_is_valid(content)
        assert detect_type(ContentFile(content)) == row.content_type == "application/pdf"
        assert row.size == len(content)
    photos = SocialProjectPhoto.objects.all()
    assert photos.count() == 3
    for photo in photos:
        with photo.image.open("rb") as handle:
            content = handle.read()
        Image.open(io.BytesIO(content)).verify()
        assert detect_type(ContentFile(content)) == photo.content_type == "image/png"
        assert photo.alt_kk and photo.alt_ru and photo.alt_en and photo.alt_zh_hans


def test_demo_social_projects_are_published_under_the_memorandum(loaded, client):
    projects = SocialProject.objects.all()
    assert [p.status for p in projects] == [
        enums.ProjectStatus.IN_PROGRESS,
        enums.ProjectStatus.COMPLETED,
    ]
    assert all(p.is_published and p.spent <= p.budget for p in projects)
    html = client.get("/ru/social-projects/").content.decode()
    for project in projects:
        assert escape(project.title_ru) in html
    photo = SocialProjectPhoto.objects.first()
    response = client.get(f"/ru/social-projects/photos/{photo.pk}/")
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 3, 9, 0, tzinfo=ALMATY),  # the story starts last year
        datetime(2026, 6, 15, 11, 0, tzinfo=ALMATY),
        datetime(2026, 12, 31, 20, 0, tzinfo=ALMATY),
    ],
)
def test_demo_report_of_this_year_shows_some_figures_and_hides_others(clock, moment):
    clock.set(moment)
    demo.charity_demo_load()
    report = reports.report_for_year(year=2026)

    assert (report.families, report.suppressed) == (11, False)
    for table in report.tables:
        shown = [c for c in table.cells if not c.suppressed and not c.is_empty]
        hidden = [c for c in table.cells if c.suppressed]
        assert [c.families for c in shown] == [6]
        assert sorted(c.families for c in hidden) == [2, 3]


def test_demo_public_pages_show_no_personal_data(loaded, client):
    private = []
    for request in CharityRequest.objects.all():
        private += [request.full_name, request.iin, request.address, request.email, request.number]
        private.append(str(request.phone)[-7:])
    for member in HouseholdMember.objects.all():
        private += [member.full_name, member.iin] if member.iin else [member.full_name]
    private += [d.account for d in Disbursement.objects.exclude(account="")]
    private = [p for p in private if p]
    assert len(private) > 100
    for lang in ("kk", "ru", "en", "zh-hans"):
        for path in ("charity/", "charity/report/2026/", "social-projects/"):
            html = client.get(f"/{lang}/{path}").content.decode()
            leaked = [p for p in private if p in html or escape(p) in html]
            assert leaked == [], (lang, path)


def test_demo_keeps_the_seeded_checklist(loaded):
    assert DocumentType.objects.count() == 11
    assert ChecklistItem.objects.filter(category=enums.Category.LARGE_FAMILY).count() == 5
