"""Shared upload checks: the type is the content's, and so is the stored extension."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from appeals import enums, services
from appeals.models import Appeal, AppealAttachment, Category
from appeals.tests.files import EXECUTABLE, PDF, PNG, docx_bytes, upload
from pkop_portal import uploads

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
# Starts as a PDF, carries a page that a browser would run if it were served as HTML.
POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def register_with(files):
    registrar = User.objects.create_user("registrar", is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrar"))
    return services.appeal_submit(
        data=services.AppealInput(
            applicant_type=enums.ApplicantType.INDIVIDUAL,
            kind=enums.Kind.STATEMENT,
            category=Category.objects.get(slug="charity"),
            subject="Помощь",
            text="Прошу помочь.",
            language="ru",
            full_name="Айгерим Садыкова",
            channel=enums.Channel.POST,
            files=files,
        ),
        registered_by=registrar,
    ).appeal


def test_an_html_pdf_polyglot_named_page_html_is_stored_as_pdf():
    files = uploads.validate_uploads([upload("page.html", POLYGLOT, "text/html")])
    appeal = register_with(files)
    attachment = AppealAttachment.objects.get(appeal=appeal)
    assert attachment.content_type == "application/pdf"
    assert attachment.stored_name.endswith(".pdf")
    assert attachment.file.name == f"appeals/{appeal.year}/{appeal.number}/{attachment.stored_name}"
    assert default_storage.exists(attachment.file.name)
    assert attachment.original_name == "page.html"  # kept for staff, never used as the type


@pytest.mark.parametrize(
    ("name", "content", "extension", "mime"),
    [
        ("scan.jpeg.exe", PDF, ".pdf", "application/pdf"),
        ("photo", JPEG, ".jpg", "image/jpeg"),
        ("photo.JPEG", PNG, ".png", "image/png"),
        ("letter.doc", docx_bytes(), ".docx", uploads.DOCX),
    ],
)
def test_stored_extension_is_that_of_the_detected_type(name, content, extension, mime):
    # Not validated by a form first: the service detects the type itself.
    appeal = register_with([upload(name, content)])
    attachment = appeal.attachments.get()
    assert (attachment.content_type, attachment.stored_name[-len(extension) :]) == (
        mime,
        extension,
    )


def test_a_file_of_no_allowed_type_never_reaches_storage_even_without_a_form():
    with pytest.raises(ValidationError) as exc:
        register_with([upload("scan.pdf", EXECUTABLE, "application/pdf")])
    assert exc.value.code == "file_type"
    assert Appeal.objects.count() == 0
    assert AppealAttachment.objects.count() == 0


@pytest.mark.parametrize(
    ("original", "content_type", "name"),
    [
        ("справка.pdf", "application/pdf", "справка.pdf"),
        ("page.html", "application/pdf", "page.pdf"),
        ("C:\\Users\\a\\scan.png", "image/png", "scan.png"),
        ('a"b;c\r\nd.jpg', "image/jpeg", "a_b_c_d.jpg"),
        ("...", "image/png", "attachment.png"),
        ("x.html", "text/html", "x.bin"),
    ],
)
def test_download_name_is_safe_and_follows_the_stored_type(original, content_type, name):
    assert uploads.download_name(original, content_type) == name
