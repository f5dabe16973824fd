"""The public pages of charity requests: the application in four languages, its receipt, the
tracking login and the applicant's page (history, missing documents, messages, decision,
withdrawal), with rate limits, CSRF and nothing stored on bad input."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from appeals.tests.factories import staff_user
from charity import enums
from charity.models import (
    AidItem,
    BudgetLine,
    CharityRequest,
    CommitteeDecision,
    CommitteeMeeting,
    Disbursement,
    DocumentType,
    HouseholdMember,
    RequestDocument,
    RequestEvent,
    RequestMessage,
)
from charity.tests.factories import (
    FORGED_PDF,
    PDF_BYTES,
    CharityRequestFactory,
    ProgrammeFactory,
    application_data,
    upload,
)
from charity.tests.test_submission import files_on_disk
from notifications.models import Notification
from pkop_portal.forms import new_form_key
from pkop_portal.models import ConsentText
from pkop_portal.templatetags.portal_time import local_time

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]
CODE = "ABCD2345EFGH"


@pytest.fixture
def media(settings, tmp_path):
    """Uploads land on disk under a fresh MEDIA_ROOT, so a test can see what was stored."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def tr(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


def html_of(response) -> str:
    return response.content.decode()


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")


def apply(client, lang="ru", *, extra=None, **overrides):
    return client.post(f"/{lang}/charity/apply/", application_data(**overrides), **(extra or {}))


def code_on(response) -> str | None:
    found = re.search(r'id="access-code">([A-Z0-9-]+)<', html_of(response))
    return found.group(1) if found else None


def login(client, charity_request, lang="en", code=CODE):
    return client.post(f"/{lang}/charity/track/", {"number": charity_request.number, "code": code})


def detail_url(charity_request, lang="en", part=""):
    return f"/{lang}/charity/track/{charity_request.number}/{part}"


def assert_nothing_stored(media_root=None):
    assert CharityRequest.objects.count() == 0
    assert HouseholdMember.objects.count() == 0
    assert RequestDocument.objects.count() == 0
    assert Notification.objects.count() == 0
    if media_root is not None:
        assert files_on_disk(media_root) == []


# --- the application page --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_form_page_is_in_the_page_language_with_consent_documents_and_six_rows(client, lang):
    html = html_of(client.get(f"/{lang}/charity/apply/"))
    assert f'<html lang="{lang}">' in html
    assert f'<h1 class="mb-3">{escaped(tr("Apply for assistance", lang))}</h1>' in html
    column = lang.replace("-", "_")
    consent = ConsentText.objects.filter(purpose="charity").order_by("-valid_from").first()
    assert escaped(getattr(consent, f"text_{column}"))[:40] in html
    for document in DocumentType.objects.filter(checklist_items__isnull=False).distinct():
        assert f"{escaped(getattr(document, f'name_{column}'))}\n" in html
    assert 'name="members-TOTAL_FORMS" value="6"' in html
    assert html.count('class="border rounded p-2 mb-2 member-row"') == 6
    assert escaped(tr("Large family", lang)) in html
    # Works without JavaScript and under the CSP: no inline script or style.
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert " style=" not in html and "<style" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_apply_registers_and_the_receipt_shows_number_and_code_once(client, lang, media):
    response = apply(client, lang)
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/charity/receipt/"
    charity_request = CharityRequest.objects.get()
    assert charity_request.language == lang
    assert charity_request.members.count() == 2
    assert charity_request.documents.count() == 4
    assert len(files_on_disk(media)) == 4
    receipt = client.get(response["Location"])
    html = html_of(receipt)
    assert f'id="request-number">{charity_request.number}</dd>' in html
    assert escaped(tr("Your request is registered", lang)) in html
    # The way back when the code is lost, in the language of the page (compiled catalogues).
    lost = re.search(r'<a href="([^"]+)" id="lost-code-link">([^<]+)</a>', html)
    assert lost and lost.group(1) == f"/{lang}/charity/code/"
    assert lost.group(2) == escaped(tr("If you lose the code, you can ask for a new one.", lang))
    code = code_on(receipt)
    assert len(code.replace("-", "")) == 12
    # A reload in the same browser shows the same code; another browser does not see it.
    assert code_on(client.get(f"/{lang}/charity/receipt/")) == code
    assert Client().get(f"/{lang}/charity/receipt/")["Location"] == f"/{lang}/charity/track/"
    # The code opens the request (and the applicant's browser already follows it).
    assert client.get(detail_url(charity_request, lang)).status_code == 200
    assert login(Client(), charity_request, lang, code)["Location"] == detail_url(
        charity_request, lang
    )
    assert Notification.objects.get().event == "charity.submitted"


def test_the_receipt_cookie_is_sealed_and_the_server_keeps_no_copy(client):
    response = apply(client, "kk")
    cookies = {n: c for n, c in response.cookies.items() if n.startswith("pkop_charity_receipt")}
    assert {n: c["path"] for n, c in cookies.items()} == {
        "pkop_charity_receipt_kk": "/kk/charity/receipt/",
        "pkop_charity_receipt_ru": "/ru/charity/receipt/",
        "pkop_charity_receipt_en": "/en/charity/receipt/",
        "pkop_charity_receipt_zh-hans": "/zh-hans/charity/receipt/",
    }
    cookie = cookies["pkop_charity_receipt_kk"]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")
    code = code_on(client.get("/kk/charity/receipt/"))
    spellings = {code, code.replace("-", "")}
    assert not any(s in cookie.value for s in spellings)
    session = client.session
    stored = str(dict(session.items()))
    assert not any(s in stored for s in spellings)
    assert session["charity.tracked"] == [CharityRequest.objects.get().pk]
    row = str(CharityRequest.objects.values().get())
    assert not any(s in row for s in spellings)
    assert not any(s in str(n.context) for n in Notification.objects.all() for s in spellings)


def test_a_double_submission_makes_one_request_and_both_receipts_show_the_same_code(client):
    key = new_form_key()
    first = apply(client, "ru", form_key=key)
    other_tab = Client()
    second = apply(other_tab, "ru", form_key=key)
    assert first["Location"] == second["Location"] == "/ru/charity/receipt/"
    assert code_on(client.get("/ru/charity/receipt/")) == code_on(
        other_tab.get("/ru/charity/receipt/")
    )
    assert CharityRequest.objects.count() == 1
    assert Notification.objects.filter(event="charity.submitted").count() == 1


BAD = [
    ({"iin": "870101300008"}, "This IIN is not valid: its check digit does not match."),
    ({"phone": "", "email": ""}, "Give a phone number or an e-mail address."),
    ({"amount_requested": ""}, "Give the amount you ask for."),
    ({"amount_requested": "-5"}, "The amount must be greater than zero."),
    (
        {"consent": None},
        "You must consent to the processing of personal data to apply for assistance.",
    ),
    (
        {"aid_description": "<b>помогите</b>"},
        "Remove the HTML tags (text in angle brackets); write plain text.",
    ),
    ({"members-1-birth_date": "2999-01-01"}, "The date of birth cannot be in the future."),
    (
        {"doc_large_family_status": None},
        "This document is required for your situation. Attach it, or tick “I will send the "
        "missing documents later” below.",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), BAD)
@pytest.mark.parametrize("lang", ["ru", "zh-hans"])
def test_bad_input_is_shown_next_to_its_field_kept_and_nothing_is_stored(
    client, overrides, message, lang, media
):
    response = apply(client, lang, **overrides)
    html = html_of(response)
    assert response.status_code == 400
    assert escaped(tr(message, lang)) in html
    assert escaped(tr("Please correct the errors below.", lang)) in html
    assert (
        escaped(
            tr(
                "For your security, files are not kept after an error: please choose them again.",
                lang,
            )
        )
        in html
    )
    # What was typed is kept (files excepted), in the main form and in the member rows.
    assert 'value="Шымкент, ул. Байтурсынова, 1"' in html
    assert 'value="Ерлан Садыков"' in html
    assert "Зимняя одежда и обувь для пятерых детей." in html or "aid_description" in overrides
    assert_nothing_stored(media)


def test_a_field_error_is_linked_to_its_input(client):
    html = html_of(apply(client, "en", iin="12345"))
    field = re.search(r'<input type="text" name="iin"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field or "is-invalid" in field
    assert re.search(r'id="error_1_id_iin"[^>]*>\s*<strong>An IIN has exactly 12 digits.', html)


def test_a_missing_required_document_is_allowed_with_the_later_tick(client):
    response = apply(client, "en", doc_large_family_status=None, documents_later="on")
    assert response.status_code == 302
    charity_request = CharityRequest.objects.get()
    assert [d.slug for d in charity_request.missing_documents.all()] == ["large_family_status"]
    receipt = html_of(client.get(response["Location"]))
    assert 'id="documents-later"' in receipt
    assert "Certificate of large-family status" in receipt
    # The applicant's page asks for it, with an input for it.
    page = html_of(client.get(detail_url(charity_request)))
    assert 'name="documents-doc_large_family_status"' in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (FORGED_PDF, "“многодетная.pdf” is not a PDF, JPEG, PNG or DOCX file."),
        (PDF_BYTES + b"0" * (1024 * 1024), "“многодетная.pdf” is larger than 1.0\xa0MB."),
    ],
    ids=["forged", "oversized"],
)
def test_forged_or_oversized_documents_are_refused_and_nothing_is_stored(
    client, settings, content, message, media
):
    settings.CHARITY_MAX_FILE_MB = 1
    response = apply(client, "en", doc_large_family_status=upload("многодетная.pdf", content))
    assert response.status_code == 400
    assert message in html_of(response)
    assert_nothing_stored(media)


def test_the_honeypot_refuses_the_form(client):
    response = apply(client, "en", website="http://spam.example")
    assert response.status_code == 400
    assert "This form could not be accepted." in html_of(response)
    assert_nothing_stored()


def test_a_form_without_csrf_token_is_refused_with_the_translated_page():
    response = apply(Client(enforce_csrf_checks=True), "kk")
    assert response.status_code == 403
    assert escaped(tr("The form has expired", "kk")) in html_of(response)
    assert_nothing_stored()


def test_the_submission_limit_has_its_own_setting():
    from django.conf import settings

    assert settings.CHARITY_SUBMIT_RATE == "5/h"
    assert settings.CHARITY_SUBMIT_REJECTED_RATE == "50/h"


def test_rejected_applications_have_their_own_generous_limit(client, settings):
    settings.CHARITY_SUBMIT_REJECTED_RATE = "3/h"
    for _ in range(3):
        assert apply(client, "ru", full_name="").status_code == 400
    blocked = apply(client, "ru", full_name="", address="Шымкент, ул. Байтурсынова, 12")
    html = html_of(blocked)
    assert blocked.status_code == 429
    assert 'id="rate-limited"' in html
    assert "Шымкент, ул. Байтурсынова, 12" in html  # what was typed is kept
    assert 'value="Ерлан Садыков"' in html  # household rows too
    assert_nothing_stored()
    # Another client is not concerned.
    assert apply(Client(REMOTE_ADDR="10.7.7.8"), "ru").status_code == 302
    assert CharityRequest.objects.count() == 1


def test_invalid_applications_never_lock_anyone_out(client):
    for _ in range(6):
        refused = apply(client, "ru", full_name="")
        assert refused.status_code == 400
        assert 'id="rate-limited"' not in html_of(refused)
    assert_nothing_stored()
    assert apply(client, "ru").status_code == 302
    assert CharityRequest.objects.count() == 1


def test_a_resent_form_does_not_count_against_the_limit(client, settings):
    settings.CHARITY_SUBMIT_RATE = "1/h"
    key = new_form_key()
    for _ in range(3):
        assert apply(client, "ru", form_key=key).status_code == 302
    assert CharityRequest.objects.count() == 1
    assert apply(client, "ru").status_code == 429


def test_over_the_limit_the_form_comes_back_with_what_was_typed(client, settings):
    settings.CHARITY_SUBMIT_RATE = "2/h"
    assert apply(client, "kk").status_code == 302
    assert apply(client, "kk").status_code == 302
    blocked = apply(client, "kk", full_name="Дана Омарова", address="Шымкент, ул. Жибек жолы, 7")
    html = html_of(blocked)
    assert blocked.status_code == 429
    assert CharityRequest.objects.count() == 2
    assert Notification.objects.filter(event="charity.submitted").count() == 2
    notice = re.search(
        r'<div class="alert alert-warning" role="alert" id="rate-limited">(.*?)</div>', html, re.S
    )
    assert notice, "the limit is said above the form"
    with translation.override("kk"):
        expected = gettext(
            "You have sent as many requests for assistance as one connection may send for now. "
            "Please try again in %(wait)s. What you typed is kept below; choose the files "
            "again before sending."
        )
    before, after = (escaped(part) for part in expected.split("%(wait)s"))
    assert before in notice.group(1) and after in notice.group(1)
    assert re.search(r"\d+", notice.group(1).split(before)[1])  # how long: a number
    assert 'value="Дана Омарова"' in html and "Шымкент, ул. Жибек жолы, 7" in html
    assert 'value="Ерлан Садыков"' in html  # household rows too
    assert 'id="apply-form"' in html
    # Another client is not limited.
    assert apply(client, "kk", extra={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302


def test_the_wait_is_told_in_minutes_or_hours():
    from pkop_portal.ratelimits import wait_text

    with translation.override("en"):
        assert wait_text(1) == "1 minute"
        assert wait_text(61) == "2 minutes"
        assert wait_text(3599) == "60 minutes"
        assert wait_text(3 * 3600) == "3 hours"
        assert wait_text(3 * 86400) == "3 days"


def test_an_application_is_accepted_when_the_rate_limit_cache_fails(client, monkeypatch):
    from pkop_portal import ratelimits

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    broken.ALL = ratelimits.get_usage.ALL

    monkeypatch.setattr(ratelimits, "get_usage", broken)
    assert apply(client, "ru").status_code == 302
    assert CharityRequest.objects.count() == 1


def test_more_member_rows_keep_what_was_typed_without_sending(client):
    data = {k: v for k, v in application_data().items() if not k.startswith("doc_")}
    response = client.post("/en/charity/apply/", {**data, "more_members": "1"})
    html = html_of(response)
    assert response.status_code == 200
    assert 'name="members-TOTAL_FORMS" value="10"' in html
    assert html.count('class="border rounded p-2 mb-2 member-row"') == 10
    assert 'value="Айгерим Садыкова"' in html and 'value="Ерлан Садыков"' in html
    assert f'name="form_key" value="{data["form_key"]}"' in html
    assert "Please correct the errors below." not in html
    assert CharityRequest.objects.count() == 0
    # The page with more rows is sent as usual.
    sent = client.post(
        "/en/charity/apply/",
        application_data(
            form_key=data["form_key"],
            **{
                "members-TOTAL_FORMS": "10",
                "members-8-relation": "grandparent",
                "members-8-full_name": "Бабушка Садыкова",
                "members-8-birth_date": "1950-05-05",
                "members-8-status": "pensioner",
            },
        ),
    )
    assert sent.status_code == 302
    assert CharityRequest.objects.get().members.count() == 3


# --- tracking ------------------------------------------------------------------------------


def test_tracking_needs_the_right_code_and_keeps_only_the_request_id(client):
    charity_request = CharityRequestFactory(language="kk")
    response = login(client, charity_request, "kk", code="abcd-2345-efgh")
    assert response["Location"] == detail_url(charity_request, "kk")
    assert client.session["charity.tracked"] == [charity_request.pk]
    assert not any(CODE in str(v) for v in client.session.values())


def test_wrong_code_and_unknown_number_get_the_same_answer(client):
    charity_request = CharityRequestFactory()
    wrong_code = login(client, charity_request, code="ZZZZ2345EFGH")
    unknown = client.post("/en/charity/track/", {"number": "C-2026-999999", "code": CODE})
    message = "The registration number or the access code is wrong."
    assert wrong_code.status_code == unknown.status_code == 400
    assert message in html_of(wrong_code) and message in html_of(unknown)
    assert "charity.tracked" not in client.session


def test_failed_tracking_attempts_are_rate_limited_even_for_the_right_code(client, settings):
    settings.APPEALS_TRACK_FAILURE_RATE = "3/h"
    charity_request = CharityRequestFactory()
    for _ in range(3):
        login(client, charity_request, code="WRONG")
    blocked = login(client, charity_request)
    assert blocked.status_code == 429
    assert client.get(detail_url(charity_request))["Location"] == (
        f"/en/charity/track/?number={charity_request.number}"
    )
    # Right codes do not count against the limit.
    other = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        assert login(other, charity_request).status_code == 302


def test_the_pages_of_a_request_need_the_login_first(client, media):
    charity_request = CharityRequestFactory()
    assert client.get(detail_url(charity_request))["Location"] == (
        f"/en/charity/track/?number={charity_request.number}"
    )
    html = html_of(client.get(f"/en/charity/track/?number={charity_request.number}"))
    assert f'value="{charity_request.number}"' in html
    files = {"documents-other_files": upload()}
    assert client.post(detail_url(charity_request, part="documents/"), files).status_code == 404
    assert (
        client.post(detail_url(charity_request, part="message/"), {"message-text": "x"}).status_code
        == 404
    )
    assert client.post(detail_url(charity_request, part="withdraw/"))["Location"].startswith(
        "/en/charity/track/?number="
    )
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.SUBMITTED
    assert RequestMessage.objects.count() == RequestDocument.objects.count() == 0
    assert files_on_disk(media) == []


@pytest.mark.parametrize("lang", ["kk", "zh-hans"])
def test_the_page_shows_status_and_public_history_in_local_time(client, clock, lang):
    clock.set(datetime(2026, 6, 10, 13, 0, tzinfo=UTC))  # 18:00 in Shymkent
    charity_request = CharityRequestFactory(status=enums.Status.UNDER_REVIEW)
    charity_request.events.create(kind="submitted")
    charity_request.events.create(kind="note", note="внутренняя заметка: проверить семью")
    charity_request.events.create(kind="flags_checked", note="C-2025-000001")
    charity_request.events.create(kind="review_started")
    login(client, charity_request, lang)
    html = html_of(client.get(detail_url(charity_request, lang)))
    assert f'id="request-status">{escaped(tr("Under review", lang))}</dd>' in html
    history = re.search(
        r'<ol class="list-unstyled request-history" id="history">(.*?)</ol>', html, re.S
    )
    lines = re.findall(r"<li>(.*?)</li>", history.group(1), re.S)
    with translation.override(lang):  # "10.06.2026 18:00 (Shymkent time, UTC+5)"
        at = local_time(datetime(2026, 6, 10, 13, 0, tzinfo=UTC))
    assert at.startswith(("10.06.2026 18:00 (", "10.06.2026 18:00（"))  # zh: full-width
    assert [re.sub(r"<[^>]+>", "", line) for line in lines] == [
        f"{at} — {tr('Submitted', lang)}",
        f"{at} — {tr('Review started', lang)}",
    ]
    assert "внутренняя заметка" not in html and "C-2025-000001" not in html


def incomplete(**kwargs):
    charity_request = CharityRequestFactory(
        status=enums.Status.DOCUMENTS_INCOMPLETE, missing_note="Справка о доходах супруга", **kwargs
    )
    charity_request.missing_documents.set(
        DocumentType.objects.filter(slug__in=["large_family_status", "income"])
    )
    return charity_request


@pytest.mark.parametrize("lang", ["kk", "zh-hans"])
def test_the_page_names_what_is_missing_in_the_page_language(client, lang):
    charity_request = incomplete()
    login(client, charity_request, lang)
    html = html_of(client.get(detail_url(charity_request, lang)))
    column = f"name_{lang.replace('-', '_')}"
    names = re.findall(r'<ul id="missing-documents">(.*?)</ul>', html, re.S)[0]
    for slug in ["large_family_status", "income"]:
        assert escaped(getattr(DocumentType.objects.get(slug=slug), column)) in names
    assert "Справка о доходах супруга" in html
    assert escaped(tr("What is missing", lang)) in html


def test_sending_the_missing_documents_returns_the_request_to_submitted(client, media):
    charity_request = incomplete()
    login(client, charity_request)
    response = client.post(
        detail_url(charity_request, part="documents/"),
        {
            "documents-doc_large_family_status": upload("многодетная.pdf"),
            "documents-doc_income": [upload("май.pdf"), upload("июнь.pdf")],
            "documents-text": "Высылаю",
        },
    )
    assert response["Location"] == detail_url(charity_request)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.SUBMITTED
    assert charity_request.missing_documents.count() == 0
    event = charity_request.events.get()
    assert (event.kind, event.old_value, event.new_value) == (
        RequestEvent.Kind.DOCUMENTS_RECEIVED,
        enums.Status.DOCUMENTS_INCOMPLETE,
        enums.Status.SUBMITTED,
    )
    documents = RequestDocument.objects.order_by("id")
    assert [(d.document_type.slug, d.original_name) for d in documents] == [
        ("income", "май.pdf"),
        ("income", "июнь.pdf"),
        ("large_family_status", "многодетная.pdf"),
    ]
    assert len(files_on_disk(media)) == 3
    html = html_of(client.get(response["Location"]))
    assert "Thank you: your documents were received." in html
    assert 'id="missing"' not in html
    assert 'id="request-status">Submitted</dd>' in html


def test_a_forged_missing_document_is_refused_and_nothing_changes(client, media):
    charity_request = incomplete()
    login(client, charity_request)
    response = client.post(
        detail_url(charity_request, part="documents/"),
        {
            "documents-doc_income": upload("доход.pdf"),
            "documents-doc_large_family_status": upload("x.pdf", FORGED_PDF),
        },
    )
    assert response.status_code == 400
    assert "“x.pdf” is not a PDF, JPEG, PNG or DOCX file." in html_of(response)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.DOCUMENTS_INCOMPLETE
    assert charity_request.events.count() == RequestDocument.objects.count() == 0
    assert files_on_disk(media) == []


def test_sending_documents_without_a_file_says_so(client):
    charity_request = incomplete()
    login(client, charity_request)
    response = client.post(detail_url(charity_request, part="documents/"), {"documents-text": "x"})
    assert response.status_code == 400
    assert "Choose at least one file." in html_of(response)


def test_messages_from_staff_are_shown_and_the_applicant_writes_back(client, media):
    charity_request = CharityRequestFactory()
    officer = staff_user("officer", "Charity officer")
    RequestMessage.objects.create(request=charity_request, by=officer, text="Уточните адрес.")
    login(client, charity_request)
    html = html_of(client.get(detail_url(charity_request)))
    assert "Уточните адрес." in html and "Charity officer" in html
    response = client.post(
        detail_url(charity_request, part="message/"),
        {"message-text": "ул. Байтурсынова, 1, кв. 5", "message-files": [upload("чек.pdf")]},
    )
    assert response["Location"] == detail_url(charity_request)
    reply = RequestMessage.objects.get(by__isnull=True)
    assert reply.text == "ул. Байтурсынова, 1, кв. 5"
    assert reply.documents.get().original_name == "чек.pdf"
    assert charity_request.events.get().kind == RequestEvent.Kind.MESSAGE
    html = html_of(client.get(response["Location"]))
    assert "Your message was sent." in html and "ул. Байтурсынова, 1, кв. 5" in html
    assert "чек.pdf" in html


def test_an_empty_message_is_refused_next_to_its_field(client):
    charity_request = CharityRequestFactory()
    login(client, charity_request)
    response = client.post(detail_url(charity_request, part="message/"), {"message-text": ""})
    assert response.status_code == 400
    assert "This field is required." in html_of(response)
    assert RequestMessage.objects.count() == 0


def test_messages_are_rate_limited(client, settings):
    settings.APPEALS_MESSAGE_RATE = "2/h"
    charity_request = CharityRequestFactory()
    login(client, charity_request)
    for _ in range(2):
        client.post(detail_url(charity_request, part="message/"), {"message-text": "Добрый день"})
    blocked = client.post(detail_url(charity_request, part="message/"), {"message-text": "x"})
    assert blocked.status_code == 429
    assert RequestMessage.objects.count() == 2


def test_withdraw_asks_first_and_then_withdraws(client):
    charity_request = CharityRequestFactory()
    login(client, charity_request)
    page = client.get(detail_url(charity_request, part="withdraw/"))
    assert "Are you sure you want to withdraw your request?" in html_of(page)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.SUBMITTED
    response = client.post(
        detail_url(charity_request, part="withdraw/"), {"reason": "Помощь уже не нужна"}
    )
    assert response["Location"] == detail_url(charity_request)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.WITHDRAWN
    assert charity_request.withdrawn_at is not None
    event = charity_request.events.get(kind=RequestEvent.Kind.WITHDRAWN)
    assert (event.by, event.note) == (None, "Помощь уже не нужна")
    html = html_of(client.get(response["Location"]))
    assert "Your request was withdrawn." in html
    assert 'id="withdraw-link"' not in html and 'id="message-form"' not in html


def test_a_request_whose_aid_was_handed_over_cannot_be_withdrawn(client):
    charity_request = CharityRequestFactory(status=enums.Status.DISBURSED)
    login(client, charity_request)
    assert 'id="withdraw-link"' not in html_of(client.get(detail_url(charity_request)))
    page = html_of(client.get(detail_url(charity_request, part="withdraw/")))
    assert 'id="cannot-withdraw"' in page and 'id="withdraw-form"' not in page
    response = client.post(detail_url(charity_request, part="withdraw/"), {"reason": ""})
    assert response.status_code == 400
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.DISBURSED
    assert charity_request.events.count() == 0


def test_withdrawal_is_refused_once_part_of_the_aid_was_handed_over(client):
    charity_request = decided(language="ru", status=enums.Status.PARTLY_APPROVED)
    assert charity_request.status in enums.WITHDRAWABLE_STATUSES
    login(client, charity_request)
    assert 'id="withdraw-link"' not in html_of(client.get(detail_url(charity_request)))
    page = html_of(client.get(detail_url(charity_request, part="withdraw/")))
    handed_over = escaped(
        gettext(
            "Part of the aid on this request has already been handed over, so it can no "
            "longer be withdrawn."
        )
    )
    assert 'id="cannot-withdraw"' in page and 'id="withdraw-form"' not in page
    assert handed_over in page
    response = client.post(detail_url(charity_request, part="withdraw/"), {"reason": ""})
    assert response.status_code == 400
    assert handed_over in html_of(response)  # the service's own refusal
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.PARTLY_APPROVED
    assert charity_request.withdrawn_at is None
    assert not charity_request.events.filter(kind=RequestEvent.Kind.WITHDRAWN).exists()


def test_before_any_hand_over_an_approved_request_may_still_be_withdrawn(client):
    charity_request = CharityRequestFactory(status=enums.Status.APPROVED)
    login(client, charity_request)
    assert 'id="withdraw-link"' in html_of(client.get(detail_url(charity_request)))
    assert 'id="withdraw-form"' in html_of(
        client.get(detail_url(charity_request, "en", "withdraw/"))
    )


def test_withdrawal_attempts_are_rate_limited(client, settings):
    settings.APPEALS_MESSAGE_RATE = "2/h"
    charity_request = CharityRequestFactory()
    login(client, charity_request)
    url = detail_url(charity_request, part="withdraw/")
    for _ in range(2):
        assert client.post(url, {"reason": "x" * 2001}).status_code == 400
    blocked = client.post(url, {"reason": ""})
    assert blocked.status_code == 429
    assert escaped(gettext("Too many requests")) in html_of(blocked)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.SUBMITTED
    # The confirmation page itself (GET) is not counted, nor is another client limited.
    assert client.get(url).status_code == 200
    other = Client(REMOTE_ADDR="10.9.9.9")
    login(other, charity_request)
    assert other.post(url, {"reason": ""})["Location"] == detail_url(charity_request)


def test_withdrawal_works_when_the_rate_limit_cache_fails(client, monkeypatch):
    from pkop_portal import ratelimits

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    broken.ALL = ratelimits.get_usage.ALL
    charity_request = CharityRequestFactory()
    login(client, charity_request)
    monkeypatch.setattr(ratelimits, "get_usage", broken)
    response = client.post(detail_url(charity_request, part="withdraw/"), {"reason": ""})
    assert response["Location"] == detail_url(charity_request)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.WITHDRAWN


def decided(language="kk", status=enums.Status.DISBURSED, approved=True):
    chair = staff_user("chair", "Charity committee")
    charity_request = CharityRequestFactory(language=language, status=status)
    meeting = CommitteeMeeting.objects.create(held_on=timezone.localdate(), chair=chair)
    decision = CommitteeDecision.objects.create(
        meeting=meeting,
        request=charity_request,
        outcome=enums.Outcome.PARTLY_APPROVED,
        reasons="Отбасы көп балалы, табысы төмен.",
        recorded_by=chair,
        approved_by=chair if approved else None,
        approved_at=timezone.now() if approved else None,
    )
    line = BudgetLine.objects.create(
        programme=ProgrammeFactory(),
        aid_kind=enums.AidKind.MONEY,
        amount=Decimal("1000000"),
        reserved=Decimal("200000"),
        disbursed=Decimal("120000"),
    )
    handed = AidItem.objects.create(
        decision=decision,
        budget_line=line,
        description="Материальная помощь",
        amount=Decimal("120000"),
        status=enums.ItemStatus.DISBURSED,
    )
    AidItem.objects.create(
        decision=decision,
        budget_line=line,
        description="Қысқы киім",
        quantity=Decimal("5"),
        unit="дана",
        amount=Decimal("80000"),
    )
    Disbursement.objects.create(
        item=handed,
        disbursed_on=timezone.localdate(),
        method=enums.DisbursementMethod.BANK_TRANSFER,
        amount=Decimal("120000"),
        account="KZ86125KZT5004100100",
        handed_over_by=chair,
        recorded_by=chair,
        act="charity/act.pdf",
        stored_name="act.pdf",
        original_name="акт.pdf",
        content_type="application/pdf",
        size=10,
    )
    return charity_request


def test_the_decision_is_shown_in_the_language_of_the_request(client):
    charity_request = decided(language="kk")
    login(client, charity_request, "en")
    html = html_of(client.get(detail_url(charity_request, "en")))
    block = re.search(r'<section [^>]*lang="kk" id="decision">(.*?)</section>', html, re.S)
    assert block, "the decision block carries the request's language"
    decision = block.group(1)
    assert escaped(tr("Decision of the committee", "kk")) in decision
    assert f'id="decision-outcome">{escaped(tr("Partly approved", "kk"))}</span>' in decision
    assert "Отбасы көп балалы, табысы төмен." in decision
    assert "Материальная помощь" in decision and "Қысқы киім" in decision
    assert "120" in decision and "5 дана" in decision
    # What was handed over: description and amount, never the account or the act.
    assert "KZ86125KZT5004100100" not in html and "акт.pdf" not in html
    assert "Bank transfer" not in html


def test_a_decision_not_yet_approved_by_the_chair_is_not_shown(client):
    charity_request = decided(status=enums.Status.AT_COMMITTEE, approved=False)
    login(client, charity_request)
    html = html_of(client.get(detail_url(charity_request)))
    assert 'id="decision"' not in html
    assert "Отбасы көп балалы" not in html


def test_the_page_costs_the_same_queries_with_one_or_many_rows(client, query_count):
    def page_with(rows: int):
        charity_request = CharityRequestFactory(status=enums.Status.DOCUMENTS_INCOMPLETE)
        charity_request.missing_documents.set(DocumentType.objects.all()[:rows])
        officer = staff_user(f"officer{rows}", "Charity officer")
        for n in range(rows):
            charity_request.events.create(kind="submitted" if n == 0 else "message")
            message = RequestMessage.objects.create(
                request=charity_request, by=officer if n % 2 else None, text=f"Сообщение {n}"
            )
            for kind in (None, DocumentType.objects.first()):
                RequestDocument.objects.create(
                    request=charity_request,
                    message=message if kind is None else None,
                    document_type=kind,
                    file="charity/x.pdf",
                    stored_name="x.pdf",
                    original_name=f"файл {n}.pdf",
                    content_type="application/pdf",
                    size=1,
                )
        client.logout()
        login(client, charity_request)
        count, response = query_count(lambda: client.get(detail_url(charity_request)))
        assert response.status_code == 200
        return count

    assert page_with(1) == page_with(6)


def test_the_decided_page_costs_the_same_queries_with_one_or_many_items(client, query_count):
    charity_request = decided()
    login(client, charity_request)
    few, _ = query_count(lambda: client.get(detail_url(charity_request)))
    decision = charity_request.decision
    for n in range(5):
        AidItem.objects.create(
            decision=decision,
            budget_line=BudgetLine.objects.get(),
            description=f"Товар {n}",
            amount=Decimal("1"),
        )
    many, _ = query_count(lambda: client.get(detail_url(charity_request)))
    assert few == many
