"""A person without an IIN (a foreign national) appeals with an identity document instead."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from appeals import selectors, services
from appeals.forms import AppealForm
from appeals.models import Appeal, Category
from appeals.tests.factories import VALID_IIN, AppealFactory, staff_user
from appeals.tests.test_admin import URL as ADMIN_URL
from appeals.tests.test_admin import login, registration
from appeals.tests.test_lost_code import SENT, ask
from appeals.tests.test_services import appeal_input
from appeals.tests.test_services import submit as service_submit
from appeals.tests.test_views import form_data
from notifications.models import Notification
from pkop_portal import identity

pytestmark = pytest.mark.django_db
PASSPORT = "E12345678"
NO_IIN = {"iin": "", "no_iin": "on", "id_document_kind": "passport"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def foreign_appeal(**extra) -> Appeal:
    return AppealFactory(iin="", id_document_kind="passport", id_document_number=PASSPORT, **extra)


# --- The number's one spelling ------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["E12345678", "e12345678", " E 1234-5678 ", "e-1234 5678"])
def test_a_document_number_is_kept_in_one_spelling(typed):
    assert identity.clean_document_number(typed) == PASSPORT


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Е12345678", "id_document_characters"),  # a Cyrillic Е
        ("Ｅ１２３４５６７８", "id_document_characters"),  # full-width
        ("E1234/5678", "id_document_characters"),
        ("E12", "id_document_length"),
        ("E" + "1" * 20, "id_document_length"),
    ],
)
def test_a_document_number_of_other_characters_or_length_is_refused(typed, code):
    with pytest.raises(ValidationError) as caught:
        identity.clean_document_number(typed)
    assert caught.value.code == code


def test_a_document_number_is_masked_like_an_iin():
    assert identity.mask_document_number(PASSPORT) == "E******78"
    assert identity.mask_document_number("AB12") == "****"
    assert identity.mask_document_number("") == ""


# --- The public form ----------------------------------------------------------------------------


def test_form_accepts_a_document_instead_of_the_iin_and_drops_a_hidden_iin():
    form = AppealForm(
        data=form_data(**{**NO_IIN, "iin": "12"}, id_document_number="e 1234 5678"), files={}
    )
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert (data["iin"], data["id_document_kind"], data["id_document_number"]) == (
        "",
        "passport",
        PASSPORT,
    )


def test_form_with_no_iin_ticked_asks_for_the_kind_and_the_number():
    form = AppealForm(data=form_data(iin="", no_iin="on"), files={})
    assert not form.is_valid()
    assert form.errors["id_document_kind"] == ["Choose the kind of identity document."]
    assert form.errors["id_document_number"] == ["Give the number of your identity document."]
    assert "iin" not in form.errors


def test_form_refuses_a_cyrillic_document_number_with_a_clear_error():
    form = AppealForm(data=form_data(**NO_IIN, id_document_number="Е1234567"), files={})
    assert not form.is_valid()
    assert form.errors["id_document_number"] == [
        "Type the document number with the Latin letters A–Z and the ordinary digits 0–9, "
        "as printed in the document."
    ]


def test_form_without_the_tick_needs_the_iin_and_ignores_a_hidden_document():
    form = AppealForm(
        data=form_data(iin="", id_document_kind="passport", id_document_number="Е!"), files={}
    )
    assert not form.is_valid()
    assert form.errors["iin"] == [
        "Give your IIN, or tick “I have no IIN” and give an identity document."
    ]
    assert "id_document_number" not in form.errors
    form = AppealForm(data=form_data(id_document_kind="passport", id_document_number=PASSPORT))
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["id_document_kind"], form.cleaned_data["id_document_number"]) == (
        "",
        "",
    )


def test_a_representative_of_an_organisation_gives_no_document():
    from appeals.tests.factories import VALID_BIN

    form = AppealForm(
        data=form_data(
            applicant_type="legal_entity",
            organisation_name="ТОО Ромашка",
            bin=VALID_BIN,
            **{**NO_IIN, "id_document_number": PASSPORT},
        ),
        files={},
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_document_number"] == ""


# --- The page and the service -------------------------------------------------------------------


def test_submit_page_shows_the_document_choice_after_the_iin(client):
    html = client.get("/en/appeals/new/").content.decode()
    iin, tick = html.index('name="iin"'), html.index('name="no_iin"')
    kind, number = html.index('name="id_document_kind"'), html.index('name="id_document_number"')
    assert iin < tick < kind < number
    assert "I have no IIN (for example, I am a foreign national)" in html
    assert 'value="residence_permit"' in html


def test_a_foreign_national_appeals_with_a_passport(client):
    response = client.post("/en/appeals/new/", form_data(**NO_IIN, id_document_number="e1234 5678"))
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert (appeal.iin, appeal.id_document_kind, appeal.id_document_number) == (
        "",
        "passport",
        PASSPORT,
    )


def test_a_refused_document_keeps_what_was_typed(client):
    response = client.post("/en/appeals/new/", form_data(**NO_IIN, id_document_number="Е1234567"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Е1234567"' in html
    assert "Type the document number with the Latin letters A–Z" in html
    assert Appeal.objects.count() == 0


def test_service_stores_the_document():
    result = service_submit(
        iin="", id_document_kind="residence_permit", id_document_number="123456"
    )
    appeal = Appeal.objects.get(pk=result.appeal.pk)
    assert (appeal.id_document_kind, appeal.id_document_number) == ("residence_permit", "123456")


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ({"iin": "", "id_document_kind": "passport"}, "id_document"),
        ({"iin": "", "id_document_number": PASSPORT}, "id_document"),
        ({"iin": "", "id_document_kind": "visa", "id_document_number": PASSPORT}, "id_document"),
        (
            {"iin": "", "id_document_kind": "passport", "id_document_number": "E1"},
            "id_document_length",
        ),
        ({"id_document_kind": "passport", "id_document_number": PASSPORT}, "iin_and_document"),
        ({"iin": ""}, "no_identity"),
    ],
)
def test_service_refuses_an_incomplete_or_doubled_identity(given, code):
    with pytest.raises(ValidationError) as caught:
        service_submit(**given)
    assert caught.value.code == code
    assert Appeal.objects.count() == 0


def test_service_lets_staff_register_a_paper_appeal_without_identity():
    registrar = staff_user("registrar", "Registrar")
    result = services.appeal_submit(
        data=appeal_input(iin="", email="", channel="post"), registered_by=registrar
    )
    assert (result.appeal.iin, result.appeal.id_document_number) == ("", "")


@pytest.mark.parametrize(
    "columns",
    [
        {"id_document_kind": "passport", "id_document_number": "e12345678"},
        {"id_document_kind": "passport", "id_document_number": ""},
        {"id_document_kind": "", "id_document_number": PASSPORT},
        {"iin": VALID_IIN, "id_document_kind": "passport", "id_document_number": PASSPORT},
    ],
)
def test_the_database_holds_only_a_whole_document_in_place_of_an_iin(columns):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppealFactory(**{"iin": "", **columns})


# --- Repeats and the lost code ------------------------------------------------------------------


def test_an_appeal_with_the_same_document_in_the_same_category_may_be_a_repeat():
    first = foreign_appeal(phone="")
    result = service_submit(
        iin="", id_document_kind="passport", id_document_number=PASSPORT, email="x@example.kz"
    )
    assert result.appeal.possible_repeat is True
    assert list(selectors.appeal_possible_repeats(appeal=result.appeal)) == [first]
    other = Category.objects.exclude(pk=first.category_id).first()
    assert not selectors.appeal_has_possible_repeat(
        iin="",
        id_document_number=PASSPORT,
        phone="",
        category_id=other.pk,
        registration_date=first.registration_date,
    )
    assert not selectors.appeal_has_possible_repeat(
        iin="",
        id_document_number="G99999999",
        phone="+77011234567",
        category_id=first.category_id,
        registration_date=first.registration_date,
    )


@pytest.mark.parametrize("typed", [PASSPORT, "e 1234 5678"])
def test_the_document_number_on_file_gets_a_new_access_code(client, typed):
    appeal = foreign_appeal(email="li.wei@example.cn")
    assert ask(client, appeal.number, typed)["Location"] == SENT
    row = Notification.objects.get(event="appeal.code_reissued")
    assert row.recipient_email == "li.wei@example.cn"


@pytest.mark.parametrize("typed", ["G99999999", "", "E1234567"])
def test_another_document_number_gets_no_code(client, typed):
    appeal = foreign_appeal(email="li.wei@example.cn")
    assert selectors.appeal_find_by_contact(number=appeal.number, contact=typed) is None
    # An appeal with an IIN has no document number on file: nothing typed matches it.
    with_iin = AppealFactory()
    assert selectors.appeal_find_by_contact(number=with_iin.number, contact=PASSPORT) is None


# --- Staff: registration, the appeal page, exports ----------------------------------------------


def test_registrar_registers_a_paper_appeal_of_a_foreign_national(client):
    login(client, "registrar", "Registrar")
    response = client.post(
        ADMIN_URL + "add/",
        registration(iin="", id_document_kind="passport", id_document_number="e1234 5678"),
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.id_document_kind, appeal.id_document_number) == ("passport", PASSPORT)


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"id_document_number": PASSPORT}, "id_document_number", "not both"),
        (
            {"iin": "", "id_document_number": PASSPORT, "id_document_kind": ""},
            "id_document_kind",
            "Choose the kind of identity document.",
        ),
        (
            {"iin": "", "id_document_number": ""},
            "id_document_number",
            "Give the number of the identity document.",
        ),
    ],
)
def test_registration_refuses_an_incomplete_or_doubled_document(client, given, field, message):
    login(client, "registrar", "Registrar")
    response = client.post(
        ADMIN_URL + "add/", registration(**{"id_document_kind": "passport", **given})
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Appeal.objects.count() == 0


def test_staff_see_the_document_on_the_appeal_page_and_analysts_masked(client):
    appeal = foreign_appeal()
    login(client, "head", "Head")
    page = client.get(f"{ADMIN_URL}{appeal.pk}/change/").content.decode()
    assert f'<div class="readonly">{PASSPORT}</div>' in page
    assert '<div class="readonly">Passport</div>' in page
    login(client, "analyst", "Analyst")
    for url in (ADMIN_URL, f"{ADMIN_URL}{appeal.pk}/change/"):
        assert PASSPORT not in client.get(url).content.decode()
    page = client.get(f"{ADMIN_URL}{appeal.pk}/change/").content.decode()
    assert '<div class="readonly">E******78</div>' in page


def test_csv_export_carries_the_document_last(client):
    foreign_appeal()
    client.force_login(staff_user("head", "Head", "head@pkop.kz"))
    response = client.get(ADMIN_URL + "export/csv/")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    assert header[-2:] == ["Identity document", "Document number"]
    assert row[-2:] == ["Passport", PASSPORT]
