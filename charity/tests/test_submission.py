"""The applicant's side of a charity request (charity.services.submission): registration with
number, dates, household, documents, consent, code and notice in one transaction, and nothing
kept when anything fails; documents sent later; messages; the number + code check."""

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from charity import enums
from charity.models import (
    CharityRequest,
    DocumentType,
    HouseholdMember,
    RequestDocument,
    RequestEvent,
    RequestMessage,
)
from charity.services import submission
from charity.tests.factories import (
    CHILD_IIN,
    FORGED_PDF,
    PDF_BYTES,
    VALID_IIN,
    CharityRequestFactory,
    ProgrammeFactory,
    request_input,
    upload,
)
from notifications.models import Notification
from pkop_portal import access_codes, keys, workdays
from pkop_portal.consent import Consent, consent_text_current
from pkop_portal.forms import new_form_key

pytestmark = pytest.mark.django_db
ALMATY = workdays.LOCAL_TZ
# A Wednesday, a working day, before 18:00 local time.
WEDNESDAY_MORNING = datetime(2026, 6, 10, 10, 0, tzinfo=ALMATY)


@pytest.fixture
def media(settings, tmp_path):
    """Uploads land on disk under a fresh MEDIA_ROOT, so a test can see what was stored."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def consent(ip="10.1.2.3") -> Consent:
    return Consent(text=consent_text_current(purpose="charity"), ip=ip)


def doc(slug: str) -> DocumentType:
    return DocumentType.objects.get(slug=slug)


def all_required(category=enums.Category.LARGE_FAMILY) -> list[tuple]:
    return [(d, upload(f"{d.slug}.pdf")) for d in submission.required_documents(category=category)]


def submit(**kwargs):
    kwargs.setdefault("data", request_input(documents=all_required()))
    kwargs.setdefault("consent", consent())
    return submission.request_submit(**kwargs)


def assert_nothing_stored(media_root: Path | None = None) -> None:
    assert CharityRequest.objects.count() == 0
    assert HouseholdMember.objects.count() == 0
    assert RequestDocument.objects.count() == 0
    assert RequestEvent.objects.count() == 0
    assert Notification.objects.count() == 0
    if media_root is not None:
        assert files_on_disk(media_root) == []


# --- registration --------------------------------------------------------------------------


def test_submit_registers_number_dates_household_documents_consent_and_notice(clock, media):
    clock.set(WEDNESDAY_MORNING)
    result = submit(form_key=new_form_key())
    request = CharityRequest.objects.get()
    assert result.created and result.request == request
    assert request.number == "C-2026-000001"
    assert (request.year, request.sequence) == (2026, 1)
    assert request.status == enums.Status.SUBMITTED
    assert request.channel == enums.Channel.WEB
    assert request.registration_date == date(2026, 6, 10)
    assert request.due_date == workdays.add_working_days(date(2026, 6, 10), 15)
    assert request.statutory_due_date == request.due_date
    assert request.programme is None
    assert request.phone.as_e164 == "+77011234567"
    assert request.monthly_income == Decimal("180000.00")
    member = HouseholdMember.objects.get()
    assert (member.full_name, member.iin, member.birth_date, member.position) == (
        "Алихан Садыков",
        CHILD_IIN,
        date(2015, 3, 15),
        1,
    )
    documents = list(request.documents.order_by("id"))
    # In the order of the category's checklist (staff-editable).
    assert [d.document_type.slug for d in documents] == [
        "large_family_status",
        "income",
        "id_card",
        "household_composition",
    ]
    assert all(d.content_type == "application/pdf" and d.size == len(PDF_BYTES) for d in documents)
    # Stored under random names with the detected type's extension, inside MEDIA_ROOT.
    assert all(re.fullmatch(r"[0-9a-f]{32}\.pdf", d.stored_name) for d in documents)
    assert len(files_on_disk(media)) == 4
    assert list(request.missing_documents.all()) == []
    event = request.events.get(kind=RequestEvent.Kind.SUBMITTED)
    assert (event.by, event.new_value) == (None, "C-2026-000001")
    # The double-help check ran in the same transaction.
    assert request.flags_checked_at is not None
    assert request.events.filter(kind=RequestEvent.Kind.FLAGS_CHECKED).count() == 1
    notice = Notification.objects.get()
    assert (notice.event, notice.channel, notice.language) == ("charity.submitted", "sms", "ru")
    assert notice.dedupe_key == f"charity.submitted:{request.pk}:sms"
    assert notice.context == {
        "number": "C-2026-000001",
        "registration_date": "10.06.2026",
        "due_date": request.due_date.strftime("%d.%m.%Y"),
        "missing_documents": [],
    }


def test_consent_is_stored_with_its_version_time_and_client_ip(clock):
    clock.set(WEDNESDAY_MORNING)
    given = consent(ip="192.0.2.7")
    submit(consent=given)
    request = CharityRequest.objects.get()
    assert request.consent == consent_text_current(purpose="charity")
    assert request.consent.purpose == "charity"
    assert request.consent_at == given.at
    assert request.consent_ip == "192.0.2.7"


def test_access_code_is_kept_only_as_a_keyed_hash_bound_to_the_number():
    key = new_form_key()
    result = submit(form_key=key)
    request = CharityRequest.objects.get()
    code = result.access_code
    assert re.fullmatch(f"[{access_codes.ALPHABET}]{{12}}", code)
    assert request.access_code_hash == access_codes.hash_access_code(
        number=request.number, code=code
    )
    assert request.form_key_hash == keys.keyed_hash(submission.FORM_KEY_PURPOSE, key)
    stored = [str(v) for v in CharityRequest.objects.values().get().values()]
    stored += [str(v) for e in RequestEvent.objects.values() for v in e.values()]
    stored += [str(n.context) + n.dedupe_key for n in Notification.objects.all()]
    assert not any(
        spelling in value
        for value in stored
        for spelling in (code, access_codes.format_code(code), key)
    )


def test_numbers_are_consecutive_per_registration_year(clock):
    clock.set(WEDNESDAY_MORNING)
    numbers = [submit().request.number for _ in range(3)]
    assert numbers == ["C-2026-000001", "C-2026-000002", "C-2026-000003"]
    clock.set(datetime(2027, 6, 9, 10, 0, tzinfo=ALMATY))
    assert submit().request.number == "C-2027-000001"


def test_received_after_hours_on_new_years_eve_is_registered_and_numbered_next_year(clock):
    clock.set(datetime(2026, 12, 31, 19, 0, tzinfo=ALMATY))
    request = submit().request
    assert request.registration_date == workdays.next_working_day(date(2026, 12, 31))
    assert request.registration_date.year == 2027
    assert request.number == "C-2027-000001"
    assert request.received_at == timezone.now()


def test_received_at_18_00_is_registered_the_next_working_day(clock):
    clock.set(datetime(2026, 6, 10, 18, 0, tzinfo=ALMATY))
    request = submit().request
    assert request.registration_date == date(2026, 6, 11)
    assert request.due_date == workdays.add_working_days(date(2026, 6, 11), 15)


def test_an_active_programme_of_the_year_sets_the_answer_term_and_is_attached(clock):
    clock.set(WEDNESDAY_MORNING)
    programme = ProgrammeFactory(year=2026, answer_working_days=10)
    request = submit().request
    assert request.programme == programme
    assert request.due_date == workdays.add_working_days(date(2026, 6, 10), 10)


@pytest.mark.parametrize(
    "programme",
    [
        {"year": 2026, "answer_working_days": 10, "is_active": False},
        {"year": 2025, "answer_working_days": 10},
        {
            "year": 2026,
            "answer_working_days": 10,
            "starts_on": date(2026, 7, 1),
            "ends_on": date(2026, 12, 31),
        },
    ],
    ids=["inactive", "other-year", "not-started"],
)
def test_without_a_covering_active_programme_the_term_is_15_working_days(clock, programme):
    clock.set(WEDNESDAY_MORNING)
    ProgrammeFactory(**programme)
    request = submit().request
    assert request.programme is None
    assert request.due_date == workdays.add_working_days(date(2026, 6, 10), 15)


def test_required_documents_not_attached_are_recorded_as_missing(clock):
    clock.set(WEDNESDAY_MORNING)
    data = request_input(documents=[(doc("id_card"), upload()), (None, upload("other.pdf"))])
    request = submit(data=data).request
    assert {d.slug for d in request.missing_documents.all()} == {
        "household_composition",
        "income",
        "large_family_status",
    }
    assert request.status == enums.Status.SUBMITTED
    assert Notification.objects.get().context["missing_documents"] == [
        "large_family_status",
        "income",
        "household_composition",
    ]
    # The other document is kept without a checklist type.
    assert request.documents.filter(document_type__isnull=True).count() == 1


def test_the_same_form_key_registers_once_and_gives_the_same_code():
    key = new_form_key()
    first = submit(form_key=key)
    second = submit(form_key=key)
    assert second.request == first.request
    assert (first.created, second.created) == (True, False)
    assert second.access_code == first.access_code
    assert CharityRequest.objects.count() == 1
    assert Notification.objects.count() == 1
    third = submit(form_key=new_form_key())
    assert third.request != first.request and third.access_code != first.access_code


def test_without_a_form_key_each_submission_gets_a_random_code():
    first, second = submit(), submit()
    assert first.access_code != second.access_code
    assert first.request.form_key_hash is None


def test_a_code_given_by_the_caller_is_used_and_the_notice_can_be_left_to_it():
    result = submit(access_code="ABCD2345EFGH", notify_applicant=False)
    assert result.access_code == "ABCD2345EFGH"
    assert access_codes.check_access_code(
        number=result.request.number,
        code="abcd-2345-efgh",
        stored_hash=result.request.access_code_hash,
    )
    assert Notification.objects.count() == 0


def test_no_notice_without_a_contact_for_a_staff_registration(django_user_model):
    officer = django_user_model.objects.create_user("officer", is_staff=True)
    data = request_input(phone="", email="")
    result = submit(data=data, consent=None, registered_by=officer, channel=enums.Channel.PAPER)
    assert result.request.registered_by == officer
    assert result.request.consent is None
    assert result.request.events.get(kind=RequestEvent.Kind.SUBMITTED).by == officer
    assert Notification.objects.count() == 0


# --- refusals: nothing is kept ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"data": request_input(phone="", email="")}, "no_contact"),
        ({"consent": None}, "no_consent"),
        ({"data": request_input(amount_requested=None)}, "amount_required"),
        ({"data": request_input(amount_requested=Decimal("0"))}, "amount_not_positive"),
        (
            {"data": request_input(aid_kind=enums.AidKind.GOODS, amount_requested=Decimal("-1"))},
            "amount_not_positive",
        ),
        ({"data": request_input(monthly_income=Decimal("-0.01"))}, "income_negative"),
    ],
    ids=["no-contact", "no-consent", "no-amount", "zero-amount", "negative", "income"],
)
def test_invalid_input_is_refused_with_its_code_and_nothing_is_stored(kwargs, code, media):
    with pytest.raises(ValidationError) as exc:
        submit(**kwargs)
    assert exc.value.code == code
    assert_nothing_stored(media)


@pytest.mark.parametrize("repeated", [VALID_IIN, CHILD_IIN], ids=["applicant", "member"])
def test_an_iin_given_twice_is_refused(repeated):
    members = request_input().members * 2
    members[1] = submission.MemberInput(
        relation=enums.Relation.CHILD,
        full_name="Айя Садыкова",
        birth_date=date(2015, 3, 15),
        iin=repeated,
        status=enums.MemberStatus.CHILD,
    )
    with pytest.raises(ValidationError) as exc:
        submit(data=request_input(members=members))
    assert exc.value.code == "member_iin_repeated"
    assert_nothing_stored()


def test_money_aid_needs_an_amount_but_other_aid_does_not():
    goods = submit(data=request_input(aid_kind=enums.AidKind.GOODS, amount_requested=None))
    assert goods.request.amount_requested is None


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([upload("справка.pdf", FORGED_PDF)], "file_type"),
        ([upload("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))], "file_too_large"),
        ([upload(f"{n}.pdf") for n in range(3)], "too_many_files"),
        ([upload("empty.pdf", b"")], "empty"),
    ],
    ids=["forged", "oversized", "too-many", "empty"],
)
def test_bad_files_are_refused_and_nothing_is_stored(files, code, settings, media):
    settings.CHARITY_MAX_FILE_MB = 1
    settings.CHARITY_MAX_FILES = 2
    data = request_input(documents=[(doc("id_card"), f) for f in files])
    with pytest.raises(ValidationError) as exc:
        submit(data=data)
    assert [e.code for e in exc.value.error_list][-1] == code
    assert_nothing_stored(media)


def test_a_failure_after_the_files_were_saved_removes_them_and_every_row(monkeypatch, media):
    saved = []

    def flags_then_fail(request_id):
        saved.extend(files_on_disk(media))
        raise RuntimeError("database went away")

    monkeypatch.setattr(submission, "_check_flags", flags_then_fail)
    with pytest.raises(RuntimeError):
        submit(form_key=new_form_key())
    assert len(saved) == 4  # the documents were on disk before the failure
    assert_nothing_stored(media)
    from pkop_portal.models import Sequence

    # The number was given back: the next request gets 1 again.
    assert Sequence.objects.filter(prefix="C", last__gt=0).count() == 0


def test_submit_calls_the_double_help_check_inside_its_transaction(monkeypatch):
    from charity.services import workflow

    seen = []

    def check(*, request_id, by=None):
        seen.append(CharityRequest.objects.filter(pk=request_id).exists())

    monkeypatch.setattr(workflow, "request_check_flags", check)
    request = submit().request
    assert seen == [True]
    assert request.pk


def test_the_double_help_flags_are_set_on_submission():
    earlier = CharityRequestFactory(iin="000000000000", status=enums.Status.UNDER_REVIEW)
    earlier.members.create(
        relation=enums.Relation.CHILD,
        full_name="Алихан Садыков",
        birth_date=date(2015, 3, 15),
        iin=CHILD_IIN,
        status=enums.MemberStatus.STUDIES,
    )
    request = submit().request
    request.refresh_from_db()
    assert (request.flag_open_request, request.flag_recent_aid) == (True, False)


# --- documents sent later, messages -----------------------------------------------------------


def incomplete_request(**kwargs):
    request = CharityRequestFactory(status=enums.Status.DOCUMENTS_INCOMPLETE, **kwargs)
    request.missing_documents.set([doc("large_family_status"), doc("income")])
    return request


def test_documents_sent_while_incomplete_bring_the_request_back_to_submitted(media):
    request = incomplete_request(missing_note="Справка о доходах супруга")
    documents = submission.request_add_documents(
        request_id=request.pk,
        files=[(doc("large_family_status"), upload("многодетная.pdf"))],
        text="Высылаю удостоверение",
    )
    request.refresh_from_db()
    assert request.status == enums.Status.SUBMITTED
    assert [d.slug for d in request.missing_documents.all()] == ["income"]
    event = request.events.get()
    assert (event.kind, event.field, event.old_value, event.new_value, event.by) == (
        RequestEvent.Kind.DOCUMENTS_RECEIVED,
        "status",
        enums.Status.DOCUMENTS_INCOMPLETE,
        enums.Status.SUBMITTED,
        None,
    )
    assert event.note == "large_family_status"
    [document] = documents
    assert (document.document_type.slug, document.original_name) == (
        "large_family_status",
        "многодетная.pdf",
    )
    assert document.message.text == "Высылаю удостоверение"
    assert document.message.from_applicant
    assert [p.name for p in files_on_disk(media)] == [document.stored_name]


@pytest.mark.parametrize(
    "status",
    [enums.Status.SUBMITTED, enums.Status.UNDER_REVIEW, enums.Status.APPROVED],
)
def test_documents_sent_in_another_open_status_leave_it_unchanged(status):
    request = CharityRequestFactory(status=status)
    submission.request_add_documents(request_id=request.pk, files=[(None, upload())])
    request.refresh_from_db()
    assert request.status == status
    event = request.events.get()
    assert (event.kind, event.field) == (RequestEvent.Kind.DOCUMENTS_RECEIVED, "")
    assert RequestMessage.objects.count() == 0


@pytest.mark.parametrize("status", sorted(enums.FINAL_STATUSES))
def test_nothing_can_be_added_to_a_closed_or_withdrawn_request(status, media):
    request = CharityRequestFactory(status=status)
    with pytest.raises(ValidationError) as exc:
        submission.request_add_documents(request_id=request.pk, files=[(None, upload())])
    assert exc.value.code == "closed"
    with pytest.raises(ValidationError) as exc:
        submission.request_applicant_message(request_id=request.pk, text="Добрый день")
    assert exc.value.code == "closed"
    assert RequestDocument.objects.count() == RequestMessage.objects.count() == 0
    assert files_on_disk(media) == []


def test_a_forged_document_sent_later_is_refused_and_nothing_changes(media):
    request = incomplete_request()
    with pytest.raises(ValidationError) as exc:
        submission.request_add_documents(
            request_id=request.pk,
            files=[
                (doc("income"), upload()),
                (doc("large_family_status"), upload("x.pdf", FORGED_PDF)),
            ],
        )
    assert exc.value.error_list[0].code == "file_type"
    request.refresh_from_db()
    assert request.status == enums.Status.DOCUMENTS_INCOMPLETE
    assert request.missing_documents.count() == 2
    assert request.events.count() == 0
    assert RequestDocument.objects.count() == 0
    assert files_on_disk(media) == []


def test_sending_no_file_is_refused():
    request = incomplete_request()
    with pytest.raises(ValidationError) as exc:
        submission.request_add_documents(request_id=request.pk, files=[])
    assert exc.value.code == "no_files"


def test_applicant_message_with_a_file(media):
    request = CharityRequestFactory()
    message = submission.request_applicant_message(
        request_id=request.pk, text="  Прошу ускорить  ", files=[upload("чек.pdf")]
    )
    assert (message.text, message.by, message.from_applicant) == ("Прошу ускорить", None, True)
    document = message.documents.get()
    assert (document.request, document.document_type, document.original_name) == (
        request,
        None,
        "чек.pdf",
    )
    event = request.events.get()
    assert (event.kind, event.new_value) == (RequestEvent.Kind.MESSAGE, str(message.pk))
    assert len(files_on_disk(media)) == 1


def test_an_empty_message_is_refused():
    request = CharityRequestFactory()
    with pytest.raises(ValidationError) as exc:
        submission.request_applicant_message(request_id=request.pk, text="   ")
    assert exc.value.code == "empty"
    assert request.events.count() == 0


# --- the number + code check -----------------------------------------------------------------


def test_request_found_only_with_its_number_and_code():
    request = CharityRequestFactory()
    found = submission.request_get_for_applicant
    assert found(number=request.number, code="abcd-2345-efgh") == request
    assert found(number=f" {request.number.lower()} ", code="ABCD 2345 EFGH") == request
    assert found(number=request.number, code="ABCD2345EFGZ") is None
    assert found(number="C-2026-999999", code="ABCD2345EFGH") is None
    assert found(number="", code="") is None


def test_public_view_holds_only_public_history_in_order():
    request = CharityRequestFactory()
    for kind in ["submitted", "note", "flags_checked", "documents_requested", "assigned"]:
        request.events.create(kind=kind, note=f"{kind} note")
    view = submission.request_public_view(request_id=request.pk)
    assert [e.kind for e in view.public_events] == ["submitted", "documents_requested"]


def test_document_checklist_follows_the_staff_editable_checklist():
    rows = {r.document_type.slug: r for r in submission.document_checklist()}
    assert rows["large_family_status"].required_for == (enums.Category.LARGE_FAMILY,)
    assert rows["income"].required_for == (enums.Category.LARGE_FAMILY, enums.Category.LOW_INCOME)
    assert enums.Category.DISABILITY in rows["income"].optional_for
    from charity.models import ChecklistItem

    ChecklistItem.objects.filter(
        category=enums.Category.PENSIONERS, document_type__slug="bank_details"
    ).update(is_required=True)
    assert [d.slug for d in submission.required_documents(category="pensioners")] == [
        "pension",
        "id_card",
        "household_composition",
        "bank_details",
    ]


# --- concurrency (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_submissions_of_one_form_make_one_request(race):
    key = new_form_key()
    outcome = race([lambda: submit(form_key=key) for _ in range(10)])
    assert outcome.errors == []
    assert len({r.request.pk for r in outcome.results}) == 1
    assert len({r.access_code for r in outcome.results}) == 1
    assert [r.created for r in outcome.results].count(True) == 1
    assert CharityRequest.objects.count() == 1
    assert Notification.objects.filter(event="charity.submitted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_consecutive_numbers_without_gaps(race):
    outcome = race([lambda: submit(data=request_input(members=[])) for _ in range(10)])
    assert outcome.errors == []
    year = workdays.registration_date(timezone.now()).year
    numbers = sorted(CharityRequest.objects.values_list("number", flat=True))
    assert numbers == [f"C-{year}-{n:06d}" for n in range(1, 11)]
