import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from appeals import enums
from appeals.models import Appeal, AppealAttachment, Category
from appeals.tests.factories import VALID_BIN, VALID_IIN, AppealFactory
from appeals.tests.files import EXECUTABLE, PDF, PNG, docx_bytes, upload, zip_bytes
from pkop_portal.consent import consent_text_current
from pkop_portal.forms import new_form_key

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]


def form_data(**overrides):
    data = {
        "applicant_type": "individual",
        "full_name": "Айгерим Садыкова",
        "iin": VALID_IIN,
        "address": "Шымкент, ул. Байтурсынова, 1",
        "phone": "+7 701 123 45 67",
        "email": "aigerim@example.kz",
        "preferred_contact": "email",
        "kind": "statement",
        "category": Category.objects.get(slug="charity").pk,
        "subject": "Помощь многодетной семье",
        "text": "Прошу рассмотреть возможность оказания помощи.",
        "consent": "on",
        # The version of the consent text the page showed (pkop_portal.consent).
        "consent_version": consent_text_current(purpose="appeal").version,
        "website": "",
        # Each call is a newly filled form (pkop_portal.forms.FormKeyField).
        "form_key": new_form_key(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def django_max_length_message(lang: str) -> str:
    """Django's own (plural, translated) message for a 10,000-character subject."""
    from django.core.exceptions import ValidationError
    from django.core.validators import MaxLengthValidator

    with translation.override(lang):
        try:
            MaxLengthValidator(300)("x" * 10000)
        except ValidationError as exc:
            return exc.messages[0]
    raise AssertionError("no error")


def tr(text, lang):
    with translation.override(lang):
        return gettext(text)


@pytest.mark.parametrize("lang", LANGS)
def test_form_page_is_translated_with_consent_text(client, lang):
    html = client.get(f"/{lang}/appeals/new/").content.decode()
    assert f'<h1 class="mb-3">{tr("Submit an appeal", lang)}</h1>' in html
    assert tr("Subject area", lang) in html
    column = {"kk": "text_kk", "ru": "text_ru", "en": "text_en", "zh-hans": "text_zh_hans"}[lang]
    from pkop_portal.models import ConsentText

    assert getattr(ConsentText.objects.filter(purpose="appeal").latest(), column)[:40] in html


def test_home_links_to_submit_and_track(client):
    html = client.get("/en/").content.decode()
    assert '<a href="/en/appeals/new/">Submit an appeal</a>' in html
    assert '<a href="/en/appeals/track/">Track an appeal</a>' in html


@pytest.mark.parametrize("lang", LANGS)
def test_submit_registers_and_shows_receipt_with_the_code(
    client, lang, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/{lang}/appeals/new/", form_data(files=[upload("справка.pdf", PDF)])
        )
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/appeals/receipt/"
    appeal = Appeal.objects.get()
    assert appeal.language == lang
    assert appeal.phone.as_e164 == "+77011234567"
    assert appeal.attachments.get().content_type == "application/pdf"
    html = client.get(response["Location"]).content.decode()
    assert f'<dd class="col-sm-8" id="appeal-number">{appeal.number}</dd>' in html
    code = re.search(r'id="access-code">([A-Z0-9-]+)<', html).group(1)
    assert len(code.replace("-", "")) == 12
    assert tr("Your appeal is registered", lang) in html
    # A reload in the same browser shows the same code (appeals/tests/test_secrets.py: how
    # long, and that the server keeps no copy); a browser without the cookie does not see it.
    again = client.get(f"/{lang}/appeals/receipt/").content.decode()
    assert re.search(r'id="access-code">([A-Z0-9-]+)<', again).group(1) == code
    assert Client().get(f"/{lang}/appeals/receipt/")["Location"] == f"/{lang}/appeals/track/"
    assert len(mailoutbox) == 1


def test_representative_of_legal_entity_needs_organisation_and_bin(client):
    data = form_data(applicant_type="legal_entity", iin="", organisation_name="", bin="")
    response = client.post("/en/appeals/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the name of the organisation." in html
    assert "Give the BIN of the organisation." in html
    ok = form_data(
        applicant_type="legal_entity", iin="", organisation_name="ТОО Ромашка", bin=VALID_BIN
    )
    assert client.post("/en/appeals/new/", ok).status_code == 302
    assert Appeal.objects.get().applicant_type == enums.ApplicantType.LEGAL_ENTITY


BAD_INPUTS = [
    ({"iin": "870101300008"}, "This IIN is not valid: its check digit does not match."),
    ({"iin": "12345"}, "An IIN has exactly 12 digits."),
    (
        {"applicant_type": "legal_entity", "organisation_name": "ТОО", "bin": "980511400001"},
        "This BIN is not valid: its check digit does not match.",
    ),
    (
        {"phone": "12"},
        "Enter a valid phone number, for example +7 701 123 45 67 or 8 701 123 45 67.",
    ),
    ({"phone": "", "email": ""}, "Give a phone number or an e-mail address."),
    ({"email": "not-an-email"}, "Enter a valid email address."),
    ({"consent": None}, "You must consent to the processing of personal data to submit an appeal."),
    ({"subject": "x" * 10000}, "max_length"),
    (
        {"subject": "<script>alert(1)</script>"},
        "Remove the HTML tags (text in angle brackets); write plain text.",
    ),
    (
        {"text": "Привет <img src=x onerror=alert(1)>"},
        "Remove the HTML tags (text in angle brackets); write plain text.",
    ),
    ({"preferred_contact": "sms", "phone": ""}, "Give a phone number to get SMS."),
    ({"is_collective": "on"}, "Give the number of co-signers."),
    (
        {"category": "999999"},
        "Select a valid choice. That choice is not one of the available choices.",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUTS)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_bad_input_gets_translated_error_keeps_input_and_stores_nothing(
    client, overrides, message, lang
):
    data = form_data(**overrides)
    response = client.post(f"/{lang}/appeals/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    expected = django_max_length_message(lang) if message == "max_length" else tr(message, lang)
    english = django_max_length_message("en") if message == "max_length" else message
    if lang != "en":
        assert expected != english, f"not translated: {message}"
    assert expected.replace("'", "&#x27;").replace('"', "&quot;") in html
    assert Appeal.objects.count() == 0
    assert 'value="Шымкент, ул. Байтурсынова, 1"' in html  # what was typed is kept


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("photo.png", EXECUTABLE, "image/png")], "is not a PDF, JPEG, PNG or DOCX file."),
        ([upload("archive.docx", zip_bytes())], "is not a PDF, JPEG, PNG or DOCX file."),
        ([upload("empty.pdf", b"")], "The submitted file is empty."),
        ([upload(f"f{i}.pdf", PDF) for i in range(6)], "Attach at most 5 files."),
    ],
)
def test_bad_files_are_refused_and_must_be_chosen_again(client, files, message):
    response = client.post("/en/appeals/new/", form_data(files=files))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "files are not kept after an error: please choose them again." in html
    assert Appeal.objects.count() == 0
    assert AppealAttachment.objects.count() == 0


def test_oversize_file_is_refused(client, settings):
    big = PDF + b"0" * (settings.APPEALS_MAX_FILE_MB * 1024 * 1024)
    response = client.post("/en/appeals/new/", form_data(files=[upload("big.pdf", big)]))
    assert response.status_code == 400
    assert "“big.pdf” is larger than 10.0\xa0MB." in response.content.decode()
    assert Appeal.objects.count() == 0


def test_png_jpeg_and_docx_are_accepted_by_content(client):
    files = [upload("scan.png", PNG), upload("letter.docx", docx_bytes())]
    assert client.post("/en/appeals/new/", form_data(files=files)).status_code == 302
    types = sorted(AppealAttachment.objects.values_list("content_type", flat=True))
    assert types == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


def test_honeypot_filled_is_refused(client):
    response = client.post("/en/appeals/new/", form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "This form could not be accepted." in response.content.decode()
    assert Appeal.objects.count() == 0


def test_missing_csrf_token_gets_translated_403(mailoutbox):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/ru/appeals/new/", form_data())
    assert response.status_code == 403
    assert tr("The form has expired", "ru") in response.content.decode()
    assert Appeal.objects.count() == 0


def test_submissions_are_rate_limited_per_ip(client, settings):
    settings.APPEALS_SUBMIT_RATE = "2/h"
    assert client.post("/kk/appeals/new/", form_data()).status_code == 302
    assert client.post("/kk/appeals/new/", form_data()).status_code == 302
    response = client.post("/kk/appeals/new/", form_data(subject="Жаңа тақырып"))
    assert response.status_code == 429
    # The form comes back with what was typed and when to try again.
    errors = response.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["rate_limited"]
    assert "Жаңа тақырып" in response.content.decode()
    assert Appeal.objects.count() == 2
    other = client.post("/kk/appeals/new/", form_data(), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_track_with_number_and_code_shows_status_and_public_history(client):
    appeal = AppealFactory(language="kk")
    appeal.events.create(kind="registered")
    appeal.events.create(kind="note", note="internal: check the family")
    response = client.post(
        "/kk/appeals/track/", {"number": appeal.number, "code": "abcd-2345-efgh"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/kk/appeals/track/{appeal.number}/"
    html = client.get(response["Location"]).content.decode()
    assert f'id="appeal-status">{tr("Registered", "kk")}</dd>' in html
    assert "internal: check the family" not in html
    assert tr("Internal note", "kk") not in html


def test_wrong_code_and_wrong_number_get_the_same_error(client):
    appeal = AppealFactory()
    wrong_code = client.post("/en/appeals/track/", {"number": appeal.number, "code": "ZZZZ"})
    wrong_number = client.post(
        "/en/appeals/track/", {"number": "A-2026-999999", "code": "ABCD2345EFGH"}
    )
    message = "The registration number or the access code is wrong."
    assert wrong_code.status_code == wrong_number.status_code == 400
    assert message in wrong_code.content.decode()
    assert message in wrong_number.content.decode()


def test_failed_tracking_attempts_are_rate_limited(client, settings):
    settings.APPEALS_TRACK_FAILURE_RATE = "3/h"
    appeal = AppealFactory()
    for _ in range(3):
        client.post("/en/appeals/track/", {"number": appeal.number, "code": "WRONG"})
    blocked = client.post("/en/appeals/track/", {"number": appeal.number, "code": "ABCD2345EFGH"})
    assert blocked.status_code == 429
    assert "You have sent this form too many times" in blocked.content.decode()
    # Even the right code waits: the appeal is not opened for this browser.
    detail = client.get(f"/en/appeals/track/{appeal.number}/")
    assert detail["Location"] == f"/en/appeals/track/?number={appeal.number}"


def test_detail_needs_the_code_first(client):
    appeal = AppealFactory()
    response = client.get(f"/en/appeals/track/{appeal.number}/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/appeals/track/?number={appeal.number}"


def track(client, appeal, lang="en"):
    client.post(f"/{lang}/appeals/track/", {"number": appeal.number, "code": "ABCD2345EFGH"})


def test_applicant_adds_information_with_a_file(client):
    appeal = AppealFactory()
    track(client, appeal)
    response = client.post(
        f"/en/appeals/track/{appeal.number}/add/",
        {"text": "Прилагаю справку о составе семьи", "files": [upload("s.pdf", PDF)]},
    )
    assert response.status_code == 302
    message = appeal.messages.get()
    assert message.text == "Прилагаю справку о составе семьи"
    assert message.attachments.get().original_name == "s.pdf"
    html = client.get(f"/en/appeals/track/{appeal.number}/").content.decode()
    assert "Прилагаю справку о составе семьи" in html


def test_applicant_rates_an_answered_appeal_and_sees_the_answer_in_its_language(client):
    appeal = AppealFactory(
        language="kk",
        status=enums.Status.ANSWERED,
        outcome=enums.Outcome.SATISFIED,
        answer_reasoning="Көмек көрсетілді.",
        answer_signatory="Директор",
    )
    track(client, appeal, lang="en")
    html = client.get(f"/en/appeals/track/{appeal.number}/").content.decode()
    assert "Көмек көрсетілді." in html
    right = tr(
        "You may appeal against this decision to the head of the company or a higher body, or "
        "to the court, as the law provides (Administrative Procedural and Process Code of the "
        "Republic of Kazakhstan).",
        "kk",
    )
    assert right in html
    response = client.post(
        f"/en/appeals/track/{appeal.number}/rate/", {"satisfied": "yes", "comment": "Рақмет"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.rating_satisfied, appeal.rating_comment) == (True, "Рақмет")


def test_add_information_without_tracking_is_404(client):
    appeal = AppealFactory()
    response = client.post(f"/en/appeals/track/{appeal.number}/add/", {"text": "x"})
    assert response.status_code == 404
    assert appeal.messages.count() == 0
