"""A charity applicant without an IIN (a foreign national living in Shymkent) applies with an
identity document instead (issue 13): the public form, the service and the database's rules,
the lost-code page, the staff admin, the export, the double-help check and requests made from
an appeal or a reception visit. Also the form's conditional parts (documents per situation,
the amount for money)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from appeals import enums as appeal_enums
from appeals.tests.factories import AppealFactory, staff_user
from charity import enums, selectors
from charity.forms import ApplicationForms, LostCodeForm
from charity.models import CharityRequest, RequestDocument
from charity.services import submission
from charity.tests import support
from charity.tests.factories import (
    SPOUSE_IIN,
    VALID_IIN,
    CharityRequestFactory,
    application_data,
    request_input,
    upload,
)
from charity.tests.test_channels import from_appeal, from_booking, refused, visit
from charity.tests.test_exports import board, handed_over, programme, sheets  # noqa: F401
from notifications.models import Notification
from reception.models import Booking

pytestmark = pytest.mark.django_db
PASSPORT = "E12345678"
NO_IIN = {"iin": "", "no_iin": "on", "id_document_kind": "passport"}
REQUESTS = "/en/admin/charity/charityrequest/"


@pytest.fixture(autouse=True)
def _english(in_english):
    yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def foreign_request(**extra) -> CharityRequest:
    return CharityRequestFactory(
        iin="", id_document_kind="residence_permit", id_document_number=PASSPORT, **extra
    )


def bind(**overrides) -> ApplicationForms:
    data = application_data(**overrides)
    files = {k: data.pop(k) for k in list(data) if k.startswith("doc_")}
    return ApplicationForms(data, files)


def html_of(response) -> str:
    return response.content.decode()


# --- the public form -----------------------------------------------------------------------


def test_an_application_with_a_document_registers_a_request_without_an_iin(client, media):
    response = client.post(
        "/en/charity/apply/", application_data(**NO_IIN, id_document_number="e 1234-5678")
    )
    assert response.status_code == 302, html_of(response)
    request = CharityRequest.objects.get()
    assert (request.iin, request.id_document_kind, request.id_document_number) == (
        "",
        "passport",
        PASSPORT,
    )
    # The household's IINs are still kept; the applicant has none to compare them with.
    assert list(request.members.values_list("iin", flat=True)) == [SPOUSE_IIN, ""]


def test_an_iin_left_in_the_hidden_field_is_not_kept_once_the_box_is_ticked(client, media):
    response = client.post(
        "/en/charity/apply/",
        application_data(**{**NO_IIN, "iin": VALID_IIN}, id_document_number=PASSPORT),
    )
    assert response.status_code == 302
    request = CharityRequest.objects.get()
    assert (request.iin, request.id_document_number) == ("", PASSPORT)


def test_a_document_sent_without_the_box_ticked_is_not_kept():
    application = bind(id_document_kind="passport", id_document_number="Е!")
    assert application.is_valid(), application.form.errors
    data = application.form.cleaned_data
    assert (data["iin"], data["id_document_kind"], data["id_document_number"]) == (
        VALID_IIN,
        "",
        "",
    )


def test_the_box_ticked_asks_for_the_kind_and_the_number():
    application = bind(iin="", no_iin="on")
    assert not application.is_valid()
    errors = application.form.errors
    assert errors["id_document_kind"] == ["Choose the kind of identity document."]
    assert errors["id_document_number"] == ["Give the number of your identity document."]
    assert "iin" not in errors
    only_kind = bind(**NO_IIN)
    assert not only_kind.is_valid()
    assert list(only_kind.form.errors) == ["id_document_number"]


def test_neither_an_iin_nor_the_box_is_a_clear_error():
    application = bind(iin="")
    assert not application.is_valid()
    assert application.form.errors["iin"] == [
        "Give your IIN, or tick “I have no IIN” and give an identity document."
    ]


def test_the_page_keeps_the_document_on_an_error(client):
    response = client.post(
        "/en/charity/apply/",
        application_data(**NO_IIN, id_document_number="e1234 5678", full_name=""),
    )
    html = html_of(response)
    assert response.status_code == 400
    assert re.search(r'name="no_iin"[^>]*checked', html)
    assert re.search(r'value="passport"[^>]*checked', html)
    assert 'value="e1234 5678"' in html  # as typed
    assert CharityRequest.objects.count() == 0


def test_more_member_rows_keep_the_document(client):
    data = application_data(**NO_IIN, id_document_number=PASSPORT)
    data = {k: v for k, v in data.items() if not k.startswith("doc_")}
    html = html_of(client.post("/en/charity/apply/", {**data, "more_members": "1"}))
    assert 'name="members-TOTAL_FORMS" value="10"' in html
    assert re.search(r'name="no_iin"[^>]*checked', html)
    assert re.search(r'value="passport"[^>]*checked', html)
    assert f'value="{PASSPORT}"' in html
    assert CharityRequest.objects.count() == 0


def test_a_member_may_not_repeat_the_applicants_iin_only_when_there_is_one():
    repeated = bind(**{"members-1-iin": VALID_IIN, "members-1-birth_date": "1987-01-01"})
    assert not repeated.is_valid()
    assert [f.errors.get("iin") for f in repeated.members.forms][1] == [
        "This is your own IIN: list here only the other members of your household."
    ]
    foreign = bind(
        **NO_IIN,
        id_document_number=PASSPORT,
        **{"members-1-iin": VALID_IIN, "members-1-birth_date": "1987-01-01"},
    )
    assert foreign.is_valid(), (foreign.form.errors, foreign.members.errors)


# --- the service and the database ----------------------------------------------------------


def test_the_service_needs_an_iin_or_a_document():
    with pytest.raises(ValidationError) as caught:
        submission.request_submit(
            data=request_input(iin=""), consent=None, registered_by=support.officer()
        )
    assert caught.value.code == "no_identity"
    assert CharityRequest.objects.count() == 0


def test_the_service_keeps_a_document_only_without_an_iin():
    officer = support.officer()
    with pytest.raises(ValidationError) as both:
        submission.request_submit(
            data=request_input(id_document_kind="passport", id_document_number=PASSPORT),
            consent=None,
            registered_by=officer,
        )
    assert both.value.code == "iin_and_document"
    foreign = submission.request_submit(
        data=request_input(iin="", id_document_kind="passport", id_document_number=PASSPORT),
        consent=None,
        registered_by=officer,
    ).request
    assert (foreign.iin, foreign.id_document_kind, foreign.id_document_number) == (
        "",
        "passport",
        PASSPORT,
    )


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"iin": ""}, "charityrequest_iin_or_document"),
        ({"iin": "12345"}, "charityrequest_iin_digits"),
        ({"id_document_kind": "passport", "id_document_number": PASSPORT}, "id_document"),
        ({"iin": "", "id_document_number": PASSPORT}, "id_document"),
        ({"iin": "", "id_document_kind": "passport", "id_document_number": "e123"}, "id_document"),
    ],
)
def test_the_database_refuses_a_request_without_identity_or_with_both(values, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        CharityRequestFactory(**values)


def test_double_help_finds_the_same_document():
    first = foreign_request()
    second = foreign_request()
    CharityRequestFactory()  # someone else, with an IIN
    overlaps = selectors.request_overlaps(request=second)
    assert overlaps.open_requests == [first]
    # Someone with an IIN is not matched by the empty document number of others.
    assert (
        selectors.request_overlaps(request=CharityRequestFactory(iin=SPOUSE_IIN)).open_requests
        == []
    )


# --- the lost-code page ----------------------------------------------------------------------


def test_lost_code_form_names_the_document():
    assert LostCodeForm().fields["contact"].label == (
        "IIN (or identity document number), phone number or e-mail address given in the request"
    )


@pytest.mark.parametrize("typed", [PASSPORT, "e 1234-5678"])
def test_a_new_code_by_the_document_number(client, typed):
    request = foreign_request(email="li.wei@example.cn", preferred_contact="email")
    response = client.post("/en/charity/code/", {"number": request.number, "contact": typed})
    assert response.status_code == 302
    assert Notification.objects.filter(event="charity.code_reissued").count() == 1


@pytest.mark.parametrize("typed", ["E12345670", "E123", ""])
def test_another_document_number_gets_no_code(typed):
    request = foreign_request()
    assert submission.request_find_by_contact(number=request.number, contact=typed) is None
    # A request with an IIN has no document number an empty guess could match.
    other = CharityRequestFactory()
    assert submission.request_find_by_contact(number=other.number, contact=typed) is None


# --- the staff admin -------------------------------------------------------------------------


def test_the_officer_sees_and_finds_the_document():
    request = foreign_request()
    CharityRequestFactory()
    client = Client()
    client.force_login(support.officer())
    html = html_of(client.get(f"{REQUESTS}{request.pk}/change/"))
    assert PASSPORT in html and "Residence permit" in html
    found = client.get(REQUESTS, {"q": "e1234 5678"}).context["cl"].result_list
    assert [r.pk for r in found] == [request.pk]


def test_a_head_sees_the_document_masked_and_cannot_search_by_it():
    request = foreign_request()
    client = Client()
    client.force_login(support.head())
    html = html_of(client.get(f"{REQUESTS}{request.pk}/change/"))
    assert PASSPORT not in html
    assert "E******78" in html
    assert client.get(REQUESTS, {"q": PASSPORT}).context["cl"].result_count == 0


def test_the_list_shows_the_iin_or_the_document_masked():
    foreign_request()
    CharityRequestFactory()
    client = Client()
    client.force_login(support.officer())
    html = html_of(client.get(REQUESTS))
    assert "IIN or identity document" in html
    assert "Residence permit E******78" in html and "8701******09" in html
    assert PASSPORT not in html and VALID_IIN not in html


# --- the export ------------------------------------------------------------------------------


def test_the_export_adds_the_document_as_its_last_columns(board, programme):  # noqa: F811
    from charity.tests.factories import BudgetLineFactory

    line = BudgetLineFactory(programme=programme, amount=Decimal("1000000"))
    request = board.request(
        programme=programme, iin="", id_document_kind="passport", id_document_number=PASSPORT
    )
    decision = board.decide(request, items=[support.money_item(line, "50000")])
    handed_over(board, decision.items.get())
    client = Client()
    client.force_login(board.chair)
    found = sheets(client.get(f"/en/admin/charity/programme/{programme.pk}/export/"))
    for title in ("Decisions", "Items and disbursements"):
        header, row = found[title]
        assert header[-2:] == ("Identity document", "Document number")
        assert row[-2:] == ("Passport", PASSPORT)
        assert row[2] in ("", None)  # no IIN


# --- requests from an appeal or a reception visit --------------------------------------------


@pytest.fixture
def executor():
    return staff_user("executor", "Executor")


def test_an_appeal_without_an_iin_becomes_a_request_with_its_document(executor):
    appeal = AppealFactory(
        status=appeal_enums.Status.IN_WORK,
        executor=executor,
        iin="",
        id_document_kind="residence_permit",
        id_document_number=PASSPORT,
        phone="+77011234567",
    )
    request = from_appeal(appeal, executor).request
    assert (request.iin, request.id_document_kind, request.id_document_number) == (
        "",
        "residence_permit",
        PASSPORT,
    )


def test_an_appeal_with_neither_is_refused_with_a_clear_message(executor):
    appeal = AppealFactory(status=appeal_enums.Status.IN_WORK, executor=executor, iin="")
    with pytest.raises(ValidationError) as caught:
        from_appeal(appeal, executor)
    assert caught.value.code == "no_iin"
    assert "identity document" in caught.value.messages[0]
    assert CharityRequest.objects.count() == 0


@pytest.mark.skipif(
    not hasattr(Booking, "id_document_number"), reason="reception has no document yet"
)
def test_a_visit_without_an_iin_becomes_a_request_with_its_document():
    secretary = staff_user("secretary", "Reception secretary")
    booking = visit(iin="", id_document_kind="passport", id_document_number=PASSPORT)
    request = from_booking(booking, secretary).request
    assert (request.iin, request.id_document_kind, request.id_document_number) == (
        "",
        "passport",
        PASSPORT,
    )
    refused("already_linked", lambda: from_booking(booking, secretary))


# --- the form's conditional parts ------------------------------------------------------------


def test_the_page_marks_required_fields_and_explains_the_contact_before_any_error(client):
    html = html_of(client.get("/en/charity/apply/"))
    assert "Fields marked with * are required." in html
    hint = html.index('id="contact-hint"')
    assert html.index('id="id_phone"') > hint
    assert 'aria-describedby="contact-hint"' in html
    # The IIN and the amount carry the mark (the amount's is shown for money only, "D4").
    for name in ("iin", "amount_requested"):
        field = html[html.index(f'id="div_id_{name}"') :][:600]
        assert "asteriskField" in field, name
    assert 'id="id-document-fields"' in html
    assert "js/conditional-reveal.js" in html


def test_each_document_input_says_which_situations_need_it(client):
    html = html_of(client.get("/en/charity/apply/"))
    found = re.search(
        r'id="document-large_family_status" data-required-for="([^"]*)" '
        r'data-optional-for="([^"]*)"',
        html,
    )
    assert found.groups() == ("large_family", "")
    income = re.search(
        r'id="document-income" data-required-for="([^"]*)" data-optional-for="([^"]*)"', html
    )
    assert set(income.group(1).split()) == {"large_family", "low_income"}
    assert "pensioners" not in income.group(0)
    assert 'class="checklist-entry" data-category="pensioners"' in html


def test_every_situation_has_its_rule_in_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text()
    section = css[css.index("/* === D4: charity form === */") :]
    for value in enums.Category.values:
        assert f'option[value="{value}"]:checked) .document-input' in section, value
        assert f'[data-required-for~="{value}"] .document-required' in section, value


def test_files_of_a_document_the_situation_does_not_name_are_kept_under_their_type(client, media):
    """Nothing the citizen gave is lost: a file chosen before the situation was changed (its
    input hidden now) is kept as the document it was given as."""
    response = client.post(
        "/en/charity/apply/",
        application_data(
            category=enums.Category.PENSIONERS,
            doc_pension=upload("пенсия.pdf"),
            # Chosen for "large family" before the situation was changed: hidden now.
            doc_large_family_status=upload("многодетная.pdf"),
        ),
    )
    assert response.status_code == 302, html_of(response)
    slugs = set(RequestDocument.objects.values_list("document_type__slug", flat=True).order_by())
    # The large family's files of application_data are kept too (income, status).
    assert {"large_family_status", "pension", "id_card", "household_composition"} <= slugs


def test_a_refused_file_in_a_hidden_document_is_said_by_other_documents(client, media):
    response = client.post(
        "/en/charity/apply/",
        application_data(
            category=enums.Category.PENSIONERS,
            doc_pension=upload("пенсия.pdf"),
            doc_large_family_status=upload("virus.pdf", b"MZ\x90\x00 not a pdf"),
        ),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "doc_large_family_status" not in form.errors
    said = " ".join(form.errors["other_files"])
    assert said.startswith("Certificate of large-family status: ")
    assert not RequestDocument.objects.exists()
