"""The public forms of the charity app: every field's rule with its error code and message, the
household rows, the documents required per category, files by content and size, and limits
that fit their columns."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict

from charity import enums
from charity.forms import (
    MAX_MEMBERS,
    AddDocumentsForm,
    ApplicationForm,
    ApplicationForms,
    MemberForm,
    MessageForm,
    TrackForm,
    WithdrawForm,
    more_member_rows,
)
from charity.models import (
    CharityRequest,
    ChecklistItem,
    DocumentType,
    HouseholdMember,
    RequestEvent,
    RequestMessage,
)
from charity.services import submission
from charity.tests.factories import (
    CHILD_IIN,
    FORGED_PDF,
    PDF_BYTES,
    SPOUSE_IIN,
    VALID_IIN,
    application_data,
    upload,
)
from pkop_portal.forms import FormKeyField, PhoneField
from pkop_portal.validators import PHONE_INPUT_LENGTH

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, the source language."""
    with translation.override("en"):
        yield


def bind(**overrides) -> ApplicationForms:
    """The application as a browser sends it: text fields in POST, files in FILES."""
    data = application_data(**overrides)
    post, files = QueryDict(mutable=True), MultiValueDict()
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        if values and hasattr(values[0], "read"):
            files.setlist(key, values)
        else:
            post.setlist(key, [str(v) for v in values])
    return ApplicationForms(post, files)


def errors_of(application: ApplicationForms) -> dict[str, list[tuple[str, str]]]:
    """{field: [(code, message)]} of the form and of every member row (as "members-N-field")."""
    found = {}
    assert not application.is_valid()
    for name, errors in application.form.errors.as_data().items():
        found[name] = [(e.code, e.messages[0]) for e in errors]
    for index, member in enumerate(application.members.forms):
        for name, errors in member.errors.as_data().items():
            found[f"members-{index}-{name}"] = [(e.code, e.messages[0]) for e in errors]
    non_form = application.members.non_form_errors().as_data()
    if non_form:
        found["members"] = [(e.code, e.messages[0]) for e in non_form]
    return found


def test_a_filled_application_is_valid_and_gives_the_service_input():
    application = bind()
    assert application.is_valid(), (application.form.errors, application.members.errors)
    data = application.request_input(language="kk")
    assert (data.language, data.full_name, data.iin) == ("kk", "Айгерим Садыкова", VALID_IIN)
    assert (data.phone, data.email, data.preferred_contact) == (
        "+77011234567",
        "aigerim@example.kz",
        "sms",
    )
    # "180 000" as typed; the empty member rows are ignored.
    assert data.monthly_income == Decimal("180000")
    assert data.amount_requested == Decimal("150000")
    assert [(m.full_name, m.iin, m.birth_date.isoformat()) for m in data.members] == [
        ("Ерлан Садыков", SPOUSE_IIN, "1988-02-02"),
        ("Алихан Садыков", "", "2015-03-15"),
    ]
    assert sorted(t.slug for t, _f in data.documents) == [
        "household_composition",
        "id_card",
        "income",
        "large_family_status",
    ]


REQUIRED = ("required", "This field is required.")
HTML = ("html", "Remove the HTML tags (text in angle brackets); write plain text.")
BAD_INPUTS = [
    ({"full_name": ""}, "full_name", REQUIRED),
    ({"full_name": "<b>Айгерим</b>"}, "full_name", HTML),
    ({"full_name": "x" * 201}, "full_name", ("max_length", None)),
    # Without an IIN the applicant ticks "I have no IIN" (test_identity_document.py).
    (
        {"iin": ""},
        "iin",
        (None, "Give your IIN, or tick “I have no IIN” and give an identity document."),
    ),
    ({"iin": "12345"}, "iin", ("iin_format", "An IIN has exactly 12 digits.")),
    (
        {"iin": "870101300008"},
        "iin",
        ("iin_checksum", "This IIN is not valid: its check digit does not match."),
    ),
    ({"iin": "８７０１０１３００００９"}, "iin", ("iin_digits", None)),
    (
        {"phone": "12"},
        "phone",
        (
            "invalid",
            "Enter a valid phone number, for example +7 701 123 45 67 or 8 701 123 45 67.",
        ),
    ),
    ({"phone": "+7 701 abc 45 67"}, "phone", ("phone_characters", None)),
    ({"email": "not-an-email"}, "email", ("invalid", "Enter a valid email address.")),
    (
        {"phone": "", "email": ""},
        "phone",
        ("no_contact", "Give a phone number or an e-mail address."),
    ),
    (
        {"phone": "", "preferred_contact": "sms"},
        "preferred_contact",
        ("no_phone", "Give a phone number to get SMS."),
    ),
    (
        {"email": "", "preferred_contact": "email"},
        "preferred_contact",
        ("no_email", "Give an e-mail address to get e-mail."),
    ),
    ({"preferred_contact": "pigeon"}, "preferred_contact", ("invalid_choice", None)),
    ({"district": ""}, "district", REQUIRED),
    ({"district": "almaty"}, "district", ("invalid_choice", None)),
    ({"address": ""}, "address", REQUIRED),
    ({"address": "<script>x</script>"}, "address", HTML),
    ({"category": ""}, "category", REQUIRED),
    ({"category": "rich"}, "category", ("invalid_choice", None)),
    ({"monthly_income": ""}, "monthly_income", REQUIRED),
    ({"monthly_income": "много"}, "monthly_income", ("invalid", "Enter a number.")),
    (
        {"monthly_income": "-1"},
        "monthly_income",
        ("min_value", "Ensure this value is greater than or equal to 0."),
    ),
    (
        {"monthly_income": "1" * 13},
        "monthly_income",
        (
            "max_whole_digits",
            "Ensure that there are no more than 12 digits before the decimal point.",
        ),
    ),
    (
        {"monthly_income": "1,005"},
        "monthly_income",
        ("max_decimal_places", "Ensure that there are no more than 2 decimal places."),
    ),
    ({"aid_kind": ""}, "aid_kind", REQUIRED),
    (
        {"amount_requested": ""},
        "amount_requested",
        ("amount_required", "Give the amount you ask for."),
    ),
    (
        {"amount_requested": "0"},
        "amount_requested",
        ("amount_not_positive", "The amount must be greater than zero."),
    ),
    (
        {"aid_kind": "goods", "amount_requested": "0"},
        "amount_requested",
        ("amount_not_positive", "The amount must be greater than zero."),
    ),
    (
        {"amount_requested": "1" * 15},
        "amount_requested",
        ("max_digits", "Ensure that there are no more than 14 digits in total."),
    ),
    ({"aid_description": ""}, "aid_description", REQUIRED),
    ({"aid_description": "x" * 5001}, "aid_description", ("max_length", None)),
    ({"aid_description": "<img src=x onerror=alert(1)>"}, "aid_description", HTML),
    (
        {"full_name": "Айгерим\x01"},
        "full_name",
        (
            "control_character",
            "“Full name” contains an invisible control character (U+0001). Remove it and "
            "try again.",
        ),
    ),
    (
        {"website": "http://spam.example"},
        "website",
        ("honeypot", "This form could not be accepted."),
    ),
    (
        {"form_key": "bad key"},
        "form_key",
        ("form_key", "This form has expired. Please fill it in again."),
    ),
    (
        {"consent": None},
        "consent",
        (
            "required",
            "You must consent to the processing of personal data to apply for assistance.",
        ),
    ),
    (
        {"consent_version": "0.9-old"},
        "consent",
        ("consent_changed", None),
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    BAD_INPUTS,
    ids=[f"{f}-{e[0]}-{i}" for i, (_o, f, e) in enumerate(BAD_INPUTS)],
)
def test_every_field_has_its_rule_code_and_message(overrides, field, expected):
    errors = errors_of(bind(**overrides))
    assert field in errors, errors
    code, message = expected
    assert errors[field][0][0] == code
    if message is not None:
        assert errors[field][0][1] == message


@pytest.mark.parametrize(
    ("typed", "value"),
    [("180 000", "180000"), ("180\u00a0000,50", "180000.50"), ("0", "0"), ("12.5", "12.5")],
)
def test_income_is_accepted_as_people_type_it(typed, value):
    application = bind(monthly_income=typed)
    assert application.is_valid()
    assert application.form.cleaned_data["monthly_income"] == Decimal(value)


def test_other_aid_may_leave_the_amount_empty():
    application = bind(aid_kind="medical", amount_requested="")
    assert application.is_valid()
    assert application.request_input(language="ru").amount_requested is None


def test_phone_alone_or_email_alone_is_enough_for_its_channel():
    assert bind(email="", preferred_contact="sms").is_valid()
    assert bind(phone="", preferred_contact="email").is_valid()


# --- household rows --------------------------------------------------------------------------


def member_row(index: int, **values) -> dict:
    return {f"members-{index}-{name}": value for name, value in values.items()}


MEMBER_ERRORS = [
    (
        {"birth_date": (timezone.localdate() + timedelta(days=1)).isoformat()},
        "birth_date",
        ("birth_date_future", "The date of birth cannot be in the future."),
    ),
    (
        {"birth_date": "1899-12-31"},
        "birth_date",
        ("birth_date_too_early", "Check the date of birth."),
    ),
    ({"birth_date": "31.02.2015"}, "birth_date", ("invalid", "Enter a valid date.")),
    (
        {"iin": "150315500006"},
        "iin",
        ("iin_checksum", "This IIN is not valid: its check digit does not match."),
    ),
    (
        {"iin": SPOUSE_IIN},
        "iin",
        ("iin_birth_date", "This IIN does not match the date of birth."),
    ),
    ({"relation": ""}, "relation", REQUIRED),
    ({"relation": "boss"}, "relation", ("invalid_choice", None)),
    ({"status": ""}, "status", REQUIRED),
    ({"full_name": ""}, "full_name", REQUIRED),
    ({"full_name": "<i>x</i>"}, "full_name", HTML),
]


@pytest.mark.parametrize(("values", "field", "expected"), MEMBER_ERRORS)
def test_member_rows_are_validated(values, field, expected):
    row = {
        "relation": "child",
        "full_name": "Алихан Садыков",
        "birth_date": "2015-03-15",
        "iin": CHILD_IIN,
        "status": "studies",
        **values,
    }
    errors = errors_of(bind(**member_row(2, **row)))
    code, message = expected
    assert errors[f"members-2-{field}"][0][0] == code
    if message:
        assert errors[f"members-2-{field}"][0][1] == message


def test_a_partly_filled_row_needs_its_other_fields_and_empty_rows_are_ignored():
    errors = errors_of(bind(**member_row(4, full_name="Бабушка")))
    assert {k for k in errors if k.startswith("members-")} == {
        "members-4-relation",
        "members-4-birth_date",
        "members-4-status",
    }
    assert "members-3-full_name" not in errors  # an empty row is not an error


def test_no_household_members_at_all_is_fine_for_a_pensioner_living_alone():
    overrides = {f"members-{i}-{f}": "" for i in (0, 1) for f in MemberForm.base_fields}
    application = bind(**overrides)
    assert application.is_valid()
    assert application.request_input(language="ru").members == []


def test_a_member_iin_may_appear_once_and_never_be_the_applicants():
    twice = bind(**member_row(1, iin=SPOUSE_IIN, birth_date="1988-02-02"))
    assert errors_of(twice)["members-1-iin"] == [
        ("iin_repeated", "This IIN is already given for member 1.")
    ]
    own = bind(**member_row(0, iin=VALID_IIN, birth_date="1987-01-01"))
    assert errors_of(own)["members-0-iin"] == [
        (
            "iin_is_applicant",
            "This is your own IIN: list here only the other members of your household.",
        )
    ]


def test_more_rows_than_the_limit_are_refused():
    errors = errors_of(bind(**{"members-TOTAL_FORMS": str(MAX_MEMBERS + 1)}))
    assert errors["members"][0][0] == "too_many_forms"


def test_a_form_without_its_row_counter_is_refused():
    errors = errors_of(bind(**{"members-TOTAL_FORMS": None}))
    assert errors["members"][0][0] == "missing_management_form"


def test_more_rows_keep_what_was_typed_and_add_four():
    data = QueryDict(mutable=True)
    data.update(
        {
            k: v
            for k, v in application_data().items()
            if not k.startswith("doc_") and k != "csrfmiddlewaretoken"
        }
    )
    initial, rows, shown = more_member_rows(data)
    assert shown == 10
    assert [r["full_name"] for r in rows] == ["Ерлан Садыков", "Алихан Садыков"]
    assert initial["full_name"] == "Айгерим Садыкова"
    assert initial["consent"] is True
    application = ApplicationForms(initial=initial, member_rows=rows, shown=shown)
    assert application.members.total_form_count() == 10
    assert not application.form.is_bound
    data["members-TOTAL_FORMS"] = "19"
    assert more_member_rows(data)[2] == MAX_MEMBERS


# --- documents of the checklist -----------------------------------------------------------------


def without_documents(**overrides) -> dict:
    names = [f"doc_{d.slug}" for d in DocumentType.objects.all()]
    return {**dict.fromkeys(names), **overrides}


@pytest.mark.parametrize("category", enums.Category.values)
def test_each_required_document_of_the_category_is_asked_for(category):
    required = {
        f"doc_{i.document_type.slug}"
        for i in ChecklistItem.objects.filter(category=category, is_required=True)
    }
    assert required  # every category needs at least the identity card
    errors = errors_of(bind(**without_documents(category=category)))
    asked = {name for name, e in errors.items() if e[0][0] == "document_required"}
    assert asked == required
    assert errors[sorted(required)[0]][0][1] == (
        "This document is required for your situation. Attach it, or tick “I will send the "
        "missing documents later” below."
    )


@pytest.mark.parametrize("category", enums.Category.values)
def test_with_the_later_tick_missing_documents_are_allowed(category):
    application = bind(**without_documents(category=category, documents_later="on"))
    assert application.is_valid(), application.form.errors
    assert application.request_input(language="ru").documents == []


def test_optional_documents_are_never_required():
    required = without_documents(
        doc_id_card=upload(),
        doc_household_composition=upload(),
        doc_pension=upload(),
        category="pensioners",
    )
    assert bind(**required).is_valid()


def test_the_checklist_is_staff_editable():
    ChecklistItem.objects.filter(category="pensioners", document_type__slug="bank_details").update(
        is_required=True
    )
    data = without_documents(
        doc_id_card=upload(),
        doc_household_composition=upload(),
        doc_pension=upload(),
        category="pensioners",
    )
    assert set(errors_of(bind(**data))) == {"doc_bank_details"}


def test_document_inputs_are_named_in_the_page_language_with_the_categories_needing_them():
    with translation.override("kk"):
        form = ApplicationForm()
    field = form.fields["doc_large_family_status"]
    assert field.label == DocumentType.objects.get(slug="large_family_status").name_kk
    with translation.override("kk"):
        required_for = translation.gettext("Required for:")
        large = str(enums.Category.LARGE_FAMILY.label)
    assert f"<strong>{required_for}</strong> {large}." in field.help_text
    with translation.override("zh-hans"):
        form = ApplicationForm()
    assert form.fields["doc_id_card"].label == "申请人身份证件"


def test_a_document_hint_typed_by_staff_is_escaped_in_the_help_text():
    DocumentType.objects.filter(slug="pension").update(hint_en="<script>x</script> in ЦОН")
    help_text = ApplicationForm().fields["doc_pension"].help_text
    assert "&lt;script&gt;x&lt;/script&gt; in ЦОН" in help_text
    assert "<script>" not in help_text


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (FORGED_PDF, "file_type", "“справка.pdf” is not a PDF, JPEG, PNG or DOCX file."),
        (b"", "empty", "The submitted file is empty."),
        (
            PDF_BYTES + b"0" * (1024 * 1024),
            "file_too_large",
            "“справка.pdf” is larger than 1.0\xa0MB.",
        ),
    ],
    ids=["forged", "empty", "oversized"],
)
def test_a_bad_file_is_refused_next_to_its_input(content, code, message, settings):
    settings.CHARITY_MAX_FILE_MB = 1
    errors = errors_of(bind(doc_income=upload("справка.pdf", content)))
    assert errors["doc_income"] == [(code, message)]


def test_too_many_files_in_all_are_refused(settings):
    settings.CHARITY_MAX_FILES = 4
    errors = errors_of(bind(other_files=[upload("a.pdf")]))
    assert errors["__all__"] == [("too_many_files", "Attach at most 4 files.")]


def test_several_files_for_one_document_are_kept_in_order():
    application = bind(doc_income=[upload("май.pdf"), upload("июнь.pdf")])
    assert application.is_valid()
    names = [f.name for t, f in application.form.documents() if t and t.slug == "income"]
    assert names == ["май.pdf", "июнь.pdf"]


# --- the tracking-page forms -----------------------------------------------------------------


def test_documents_sent_later_need_a_file():
    missing = [DocumentType.objects.get(slug="income")]
    form = AddDocumentsForm({"documents-text": "Вот"}, missing=missing)
    assert not form.is_valid()
    assert form.errors.as_data()["__all__"][0].code == "no_files"
    files = MultiValueDict({"documents-doc_income": [upload()]})
    form = AddDocumentsForm({}, files, missing=missing)
    assert form.is_valid()
    assert [(t.slug, f.name) for t, f in form.documents()] == [("income", "scan.pdf")]


def test_a_message_needs_its_text():
    form = MessageForm({"message-text": ""})
    assert not form.is_valid()
    assert form.errors.as_data()["text"][0].code == "required"


# --- limits fit their columns; control characters refused everywhere -------------------------

COLUMNS = {
    ApplicationForm: {
        "full_name": (CharityRequest, "full_name"),
        "iin": (CharityRequest, "iin"),
        "id_document_number": (CharityRequest, "id_document_number"),
        "phone": (CharityRequest, "phone"),
        "email": (CharityRequest, "email"),
        "address": (CharityRequest, "address"),
        "aid_description": (CharityRequest, "aid_description"),
        "website": None,
        "form_key": (CharityRequest, "form_key_hash"),
        "consent_version": None,
    },
    MemberForm: {
        "full_name": (HouseholdMember, "full_name"),
        "iin": (HouseholdMember, "iin"),
    },
    TrackForm: {"number": (CharityRequest, "number"), "code": None},
    AddDocumentsForm: {"text": (RequestMessage, "text")},
    MessageForm: {"text": (RequestMessage, "text")},
    WithdrawForm: {"reason": (RequestEvent, "note")},
}


def text_fields(form) -> dict:
    return {n: f for n, f in form.fields.items() if isinstance(f, forms.CharField)}


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda c: c.__name__)
def test_every_text_field_fits_its_column_and_refuses_control_characters(form_class):
    form = form_class()
    assert set(text_fields(form)) == set(COLUMNS[form_class])
    for name, field in text_fields(form).items():
        if name == "consent_version":
            continue  # only compared with the current version, never stored
        limit = PHONE_INPUT_LENGTH if isinstance(field, PhoneField) else field.max_length
        assert limit is not None, name
        if COLUMNS[form_class][name] is not None:
            model, column = COLUMNS[form_class][name]
            max_length = model._meta.get_field(column).max_length
            assert max_length is None or limit <= max_length, (name, limit, max_length)
        if isinstance(field, FormKeyField | PhoneField):
            continue  # their own rules refuse anything but their characters
        data = {form.add_prefix(name): "Айгерим\x01Садыкова"}
        if name == "id_document_number":
            data["no_iin"] = "on"  # checked only for an applicant without an IIN
        bound = form_class(data=data)
        bound.is_valid()
        assert any(e.code == "control_character" for e in bound.errors.as_data().get(name, []))


def test_the_checklist_rows_follow_the_document_order():
    rows = submission.document_checklist()
    positions = [r.document_type.position for r in rows]
    assert positions == sorted(positions)
