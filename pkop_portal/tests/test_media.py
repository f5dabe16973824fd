"""Stored files: never served from MEDIA as such (not even with DEBUG), never written into the
repository by the tests, and handed out only as safe downloads."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.test import override_settings
from django.urls import clear_url_caches

from appeals.tests.files import PDF
from pkop_portal import uploads
from pkop_portal.sequences import normalise_number


@pytest.fixture
def debug_urlconf():
    """The URLconf as `make run` builds it (DEBUG on), restored afterwards."""
    import pkop_portal.urls

    with override_settings(DEBUG=True):
        importlib.reload(pkop_portal.urls)
        clear_url_caches()
        yield
    importlib.reload(pkop_portal.urls)
    clear_url_caches()


def test_media_is_not_served_even_with_debug(client, debug_urlconf):
    folder = Path(settings.MEDIA_ROOT) / "charity" / "2026" / "C-2026-000001"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "passport.pdf").write_bytes(PDF)
    try:
        response = client.get("/media/charity/2026/C-2026-000001/passport.pdf")
        assert response.status_code == 404
        assert PDF not in b"".join(getattr(response, "streaming_content", [response.content]))
    finally:
        (folder / "passport.pdf").unlink()


def test_tests_store_files_outside_the_repository():
    media = Path(settings.MEDIA_ROOT).resolve()
    assert media.is_dir()
    assert not media.is_relative_to(Path(settings.BASE_DIR).resolve())


@pytest.mark.django_db
def test_download_response_is_a_safe_attachment_of_the_stored_type(tmp_path):
    from appeals.models import AppealAttachment

    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("scan.pdf", ContentFile(PDF))
    field = AppealAttachment._meta.get_field("file")
    stored = field.attr_class(None, field, name)
    stored.storage = storage
    response = uploads.download_response(stored, '../evil"name.html', "application/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evil_name.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    other = uploads.download_response(stored, "page.html", "text/html")
    assert other["Content-Type"] == "application/octet-stream"
    assert other["Content-Disposition"] == 'attachment; filename="page.bin"'


def test_download_response_of_a_missing_file_is_404(tmp_path):
    from appeals.models import AppealAttachment

    field = AppealAttachment._meta.get_field("file")
    stored = field.attr_class(None, field, "gone.pdf")
    stored.storage = FileSystemStorage(location=tmp_path)
    with pytest.raises(Http404):
        uploads.download_response(stored, "gone.pdf", "application/pdf")


@pytest.mark.parametrize(
    ("typed", "number"),
    [(" c-2026-000001 ", "C-2026-000001"), ("Ａ－２０２６－０００００１", "A-2026-000001")],
)
def test_registration_numbers_are_normalised_once_for_every_app(typed, number):
    from appeals import selectors
    from charity.services import submission

    assert normalise_number(typed) == number
    # One rule: the appeals and charity look-ups use this very function.
    assert selectors._normalise_number is normalise_number
    assert submission.normalise_number is normalise_number


def test_both_apps_use_the_shared_multiple_file_field():
    from appeals import forms as appeal_forms
    from charity import forms as charity_forms
    from pkop_portal.forms import MultipleFileField

    assert appeal_forms.MultipleFileField is MultipleFileField
    assert issubclass(charity_forms.DocumentFilesField, MultipleFileField)
    assert isinstance(appeal_forms.AddInformationForm().fields["files"], MultipleFileField)
