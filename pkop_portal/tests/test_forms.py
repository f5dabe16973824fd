"""Input never reaches the database unchecked: form limits within their columns, control
characters refused on every text field of every form, ASCII-only identification numbers and
phones, and a malformed hidden form key as a form error."""

import inspect

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import translation

from appeals import admin_forms
from appeals import forms as appeals_forms
from appeals.forms import AddInformationForm, AppealForm, RatingForm, TrackForm
from appeals.models import Appeal, AppealEvent, AppealMessage
from pkop_portal.forms import (
    PHONE_INPUT_LENGTH,
    FormKeyField,
    PhoneField,
    PlainTextFormMixin,
    normalise_newlines,
)
from pkop_portal.tests.public_forms import (
    IIN,
    booking_form,
    booking_url,
    free_slot,
    hidden_fields,
)
from reception import admin as reception_admin
from reception import forms as reception_forms
from reception.forms import BookingForm
from reception.models import Booking

pytestmark = pytest.mark.django_db
OUR_APPS = {"appeals", "reception", "notifications", "pkop_portal", "charity", "hotline"}

# Every text field of every form, and the column it ends up in; None: never stored as typed
# (honeypots, the one-time key and consent version, which are compared or hashed, the access
# code). A new field must be added here, so its limit is checked against its column.
COLUMNS = {
    AppealForm: {
        "full_name": (Appeal, "full_name"),
        "iin": (Appeal, "iin"),
        "id_document_number": (Appeal, "id_document_number"),
        "organisation_name": (Appeal, "organisation_name"),
        "bin": (Appeal, "bin"),
        "address": (Appeal, "address"),
        "phone": (Appeal, "phone"),
        "email": (Appeal, "email"),
        "subject": (Appeal, "subject"),
        "text": (Appeal, "text"),
        "website": None,
        "form_key": None,
        "consent_version": None,
    },
    TrackForm: {"number": (Appeal, "number"), "code": None},
    appeals_forms.LostCodeForm: {"number": (Appeal, "number"), "contact": (Appeal, "email")},
    AddInformationForm: {"text": (AppealMessage, "text")},
    RatingForm: {"comment": (Appeal, "rating_comment")},
    BookingForm: {
        "full_name": (Booking, "full_name"),
        "iin": (Booking, "iin"),
        "id_document_number": (Booking, "id_document_number"),
        "phone": (Booking, "phone"),
        "email": (Booking, "email"),
        "topic": (Booking, "topic"),
        "description": (Booking, "description"),
        "form_key": (Booking, "idempotency_key"),
        "website": None,
        "consent_version": None,
    },
    admin_forms.RegistrationForm: {
        "full_name": (Appeal, "full_name"),
        "iin": (Appeal, "iin"),
        "id_document_number": (Appeal, "id_document_number"),
        "organisation_name": (Appeal, "organisation_name"),
        "bin": (Appeal, "bin"),
        "address": (Appeal, "address"),
        "phone": (Appeal, "phone"),
        "email": (Appeal, "email"),
        "subject": (Appeal, "subject"),
        "text": (Appeal, "text"),
        "protocol": (Appeal, "protocol"),
        "form_key": None,
    },
    admin_forms.AssignForm: {"department": (Appeal, "department")},
    admin_forms.ExtendForm: {"reason": (AppealEvent, "note")},
    admin_forms.RedirectForm: {
        "to_body": (Appeal, "redirected_to"),
        "reason": (AppealEvent, "note"),
    },
    admin_forms.AnswerForm: {
        "reasoning": (Appeal, "answer_reasoning"),
        "legal_basis": (Appeal, "answer_legal_basis"),
    },
    admin_forms.NotConsideredForm: {"note": (AppealEvent, "note")},
    admin_forms.NoteForm: {"note": (AppealEvent, "note")},
    admin_forms.ReferForm: {"authority": (AppealEvent, "new_value"), "note": (AppealEvent, "note")},
    admin_forms.LinkRepeatForm: {},
    admin_forms.DismissRepeatForm: {},
    reception_admin.SlotCancelForm: {"reason": (AppealEvent, "note")},
    reception_admin.VisitForm: {"summary": (Booking, "visit_summary")},
    reception_admin.ToAppealForm: {
        "subject": (Appeal, "subject"),
        "text": (Appeal, "text"),
        "form_key": None,
    },
}


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English (the language a request left active may differ)."""
    with translation.override("en"):
        yield


def form_classes_of(module) -> set[type]:
    return {
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, forms.BaseForm)
        and obj.__module__ == module.__name__
    }


def text_fields(form: forms.BaseForm) -> dict[str, forms.CharField]:
    return {n: f for n, f in form.fields.items() if isinstance(f, forms.CharField)}


def input_limit(field: forms.CharField) -> int | None:
    return PHONE_INPUT_LENGTH if isinstance(field, PhoneField) else field.max_length


@pytest.fixture
def superuser_request():
    request = RequestFactory().get("/ru/admin/")
    request.user = get_user_model().objects.create_superuser("root", "root@example.kz", "x")
    return request


def admin_model_forms(request) -> list[tuple[type, forms.BaseForm]]:
    """The change form of every admin of our apps, and the forms of their inlines."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        found.append((model, model_admin.get_form(request)()))
        for inline in model_admin.get_inline_instances(request):
            found.append((inline.model, inline.get_formset(request).form()))
    return found


def test_every_form_of_the_form_modules_is_in_the_table():
    found = set().union(
        *(
            form_classes_of(m)
            for m in (appeals_forms, reception_forms, admin_forms, reception_admin)
        )
    )
    assert found <= set(COLUMNS), found - set(COLUMNS)


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda c: c.__name__)
def test_every_form_limit_fits_its_column(form_class):
    form = form_class()
    table = COLUMNS[form_class]
    assert set(text_fields(form)) == set(table), "map every text field to its column"
    for name, field in text_fields(form).items():
        if table[name] is None:
            continue
        model, column_name = table[name]
        column = model._meta.get_field(column_name).max_length
        limit = input_limit(field)
        assert column is None or (limit is not None and limit <= column), (name, limit, column)


def test_every_admin_change_form_fits_its_columns(superuser_request):
    checked = 0
    for model, form in admin_model_forms(superuser_request):
        for name, field in text_fields(form).items():
            column = model._meta.get_field(name).max_length
            limit = input_limit(field)
            assert column is None or (limit is not None and limit <= column), (model, name)
            checked += 1
    assert checked > 20


# Fields a form shows (and checks) only after another answer: that answer is sent along.
SHOWN_AFTER = {
    "id_document_number": {"applicant_type": "individual", "no_iin": "on"},
    "organisation_name": {"applicant_type": "legal_entity"},
    "bin": {"applicant_type": "legal_entity"},
}


def assert_refuses_control_characters(empty: forms.BaseForm) -> int:
    """Each text field of the form, given a \\x01, has the error naming it."""
    assert isinstance(empty, PlainTextFormMixin), type(empty)
    checked = 0
    for name, field in text_fields(empty).items():
        if isinstance(field, FormKeyField | PhoneField) or name == "consent_version":
            continue  # their own rules refuse anything but their characters
        shown_after = {empty.add_prefix(k): v for k, v in SHOWN_AFTER.get(name, {}).items()}
        bound = type(empty)(data={**shown_after, empty.add_prefix(name): "Айгерим\x01Садыкова"})
        bound.is_valid()
        assert (
            f"“{field.label or name}” contains an invisible control character (U+0001). "
            "Remove it and try again."
        ) in bound.errors.get(name, []), (type(empty), name)
        checked += 1
    return checked


@pytest.mark.parametrize("form_class", list(COLUMNS), ids=lambda c: c.__name__)
def test_every_text_field_of_every_form_refuses_control_characters(form_class):
    assert_refuses_control_characters(form_class())


def test_every_text_field_of_every_admin_change_form_refuses_control_characters(
    superuser_request,
):
    checked = sum(
        assert_refuses_control_characters(form)
        for _model, form in admin_model_forms(superuser_request)
    )
    assert checked > 20


def test_multiline_text_keeps_its_line_breaks_as_newlines():
    form = admin_forms.NoteForm(data={"note": "первая\r\nвторая\rтретья\tтаб"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "первая\nвторая\nтретья\tтаб"
    assert normalise_newlines("a\r\n\r\nb") == "a\n\nb"


def test_a_carriage_return_in_a_single_line_field_is_refused():
    form = admin_forms.AssignForm(data={"department": "Отдел\rкадров"})
    assert not form.is_valid()
    assert form.errors["department"] == [
        "“Department” contains an invisible control character (U+000D). Remove it and try again."
    ]


def test_booking_description_is_stored_with_newlines(client):
    slot = free_slot()
    client.post(booking_url(slot), booking_form(client, slot, description="раз\r\nдва"))
    assert Booking.objects.get().description == "раз\nдва"


def test_control_character_in_a_booking_is_refused_and_nothing_stored(client):
    slot = free_slot()
    response = client.post(
        booking_url(slot, "en"), booking_form(client, slot, "en", full_name="Айгерим\x1bСадыкова")
    )
    assert response.status_code == 400
    assert (
        "“Full name” contains an invisible control character (U+001B). Remove it and try again."
    ) in response.content.decode()
    assert Booking.objects.count() == 0


LONG_EMAIL = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "kz"  # 259 characters, otherwise valid


def test_the_long_email_is_valid_but_longer_than_the_column():
    assert 254 < len(LONG_EMAIL) <= 320
    forms.EmailField().clean(LONG_EMAIL)


def test_long_email_on_the_booking_form_is_a_form_error(client):
    slot = free_slot()
    response = client.post(
        booking_url(slot, "en"), booking_form(client, slot, "en", email=LONG_EMAIL)
    )
    assert response.status_code == 400
    assert "Ensure this value has at most 254 characters (it has 259)." in (
        response.content.decode()
    )
    assert Booking.objects.count() == 0


def test_long_email_on_the_appeal_form_is_a_form_error():
    form = AppealForm(data={"email": LONG_EMAIL})
    form.is_valid()
    assert form.errors["email"] == ["Ensure this value has at most 254 characters (it has 259)."]


FULL_WIDTH = IIN.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = IIN.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def test_one_iin_in_three_scripts_books_one_visit_with_a_manager(client):
    slot = free_slot()
    later = type(slot).objects.filter(manager=slot.manager, starts_at__gt=slot.starts_at).first()
    assert client.post(booking_url(slot, "en"), booking_form(client, slot, "en")).status_code == 302
    for spelling in (FULL_WIDTH, ARABIC_INDIC):
        response = client.post(
            booking_url(later, "en"), booking_form(client, later, "en", iin=spelling)
        )
        assert response.status_code == 400
        assert "Type the IIN with the ordinary digits 0–9." in response.content.decode()
    assert list(Booking.objects.values_list("iin", flat=True)) == [IIN]


@pytest.mark.parametrize(
    "phone",
    [
        "８７０１１２３４５６７",
        "٨٧٠١١٢٣٤٥٦٧",
        "+7 701 123 45 6７",
        "+7 701 123 45 67 ext",
        "+7\u00a0701\u00a01234567",
    ],
)
def test_phone_with_other_characters_is_refused(phone):
    form = BookingForm(data={"phone": phone})
    form.is_valid()
    assert form.errors["phone"] == [
        "Type the phone number with the digits 0–9; only spaces, +, brackets, hyphens and dots "
        "may separate them."
    ]


@pytest.mark.parametrize(
    "phone", ["+7 (701) 123-45-67", "8 701 123 45 67", "+7.701.123.45.67", "87011234567"]
)
def test_phone_with_ascii_digits_and_separators_is_accepted(phone):
    assert PhoneField().clean(phone).as_e164 == "+77011234567"


def test_phone_input_longer_than_its_limit_is_refused():
    form = BookingForm(data={"phone": "1" * (PHONE_INPUT_LENGTH + 1)})
    form.is_valid()
    assert form.errors["phone"] == [
        f"Ensure this value has at most {PHONE_INPUT_LENGTH} characters "
        f"(it has {PHONE_INPUT_LENGTH + 1})."
    ]


@pytest.mark.parametrize("key", ["x" * 65, "k" * 10000, "short", "bad key with spaces!!"])
def test_malformed_form_key_is_a_form_error_with_a_fresh_key(client, key):
    slot = free_slot()
    response = client.post(booking_url(slot, "en"), booking_form(client, slot, "en", form_key=key))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This form has expired. Please fill it in again." in html
    fresh = hidden_fields(html)["form_key"]
    assert fresh != key and FormKeyField().clean(fresh) == fresh
    assert Booking.objects.count() == 0
    # Sent again as re-rendered, the form goes through.
    retry = {**booking_form(client, slot, "en"), "form_key": fresh}
    assert client.post(booking_url(slot, "en"), retry).status_code == 302
    assert Booking.objects.get().idempotency_key == fresh


def test_staff_change_forms_take_phone_numbers_in_ascii_digits_only(superuser_request):
    from pkop_portal.models import HotlineLine

    form_class = admin.site._registry[HotlineLine].get_form(superuser_request)
    data = {"language": "kk", "position": "1", "is_active": "on"}
    refused = form_class(data={**data, "phone": "８７２５２２４１３７０"})
    assert not refused.is_valid()
    assert refused.errors["phone"] == [
        "Type the phone number with the digits 0–9; only spaces, +, brackets, hyphens and dots "
        "may separate them."
    ]
    accepted = form_class(data={**data, "phone": "8 (7252) 24-13-70"})
    accepted.is_valid()
    assert "phone" not in accepted.errors
    assert accepted.cleaned_data["phone"].as_e164 == "+77252241370"
