"""pkop_portal.uploads.strip_metadata and the hotline storing images without metadata."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image

from hotline.models import ReportAttachment
from hotline.services.submission import ReportInput, report_submit
from pkop_portal import uploads
from pkop_portal.consent import consent_given, consent_text_current

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _jpeg_with_gps(*, orientation=1) -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Maker"  # Make
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (42.0, 18.0, 0.0), 3: "E", 4: (69.0, 35.0, 0.0)})
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return buffer.getvalue()


def _png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Secret Author")
    buffer = BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def test_fixture_really_has_gps():
    with Image.open(BytesIO(_jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)


def test_jpeg_exif_and_gps_removed():
    stripped = uploads.strip_metadata(SimpleUploadedFile("p.jpg", _jpeg_with_gps()))
    data = stripped.read()
    assert b"SpyCam" not in data and b"secret comment" not in data and b"Exif" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert image.size == (40, 20)


def test_orientation_applied():
    # Orientation 6 = rotate 90°: the stored pixels are turned, the tag gone.
    stripped = uploads.strip_metadata(SimpleUploadedFile("p.jpg", _jpeg_with_gps(orientation=6)))
    with Image.open(stripped) as image:
        assert image.size == (20, 40)
        assert ORIENTATION not in image.getexif()


def test_png_text_removed():
    stripped = uploads.strip_metadata(SimpleUploadedFile("p.png", _png_with_text()))
    data = stripped.read()
    assert b"Secret Author" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.format == "PNG" and image.mode == "RGBA"


def test_pdf_left_alone():
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    assert uploads.strip_metadata(pdf) is None


def test_truncated_image_refused():
    broken = SimpleUploadedFile("p.jpg", _jpeg_with_gps()[:200])
    with pytest.raises(ValidationError) as exc:
        uploads.strip_metadata(broken)
    assert exc.value.code == "file_type"


@pytest.mark.django_db
def test_stored_hotline_photo_has_no_exif():
    consent = consent_given(
        RequestFactory().post("/"), text=consent_text_current(purpose="hotline"), keep_ip=False
    )
    data = ReportInput(
        language="zh-hans",
        reporter_type="citizen",
        category="safety",
        description="管道泄漏",
        files=[SimpleUploadedFile("photo.jpg", _jpeg_with_gps(), content_type="image/jpeg")],
    )
    report = report_submit(data=data, consent=consent).report
    attachment = ReportAttachment.objects.get(report=report)
    assert attachment.metadata_removed is True
    assert attachment.content_type == "image/jpeg"
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert b"SpyCam" not in stored
    with Image.open(BytesIO(stored)) as image:
        assert not image.getexif()


def test_image_over_the_pixel_limit_has_its_own_message(monkeypatch):
    from django.utils import translation

    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 799)  # the fixture is 40 x 20 = 800
    big = SimpleUploadedFile("big.jpg", _jpeg_with_gps())
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        uploads.strip_metadata(big)
    assert exc.value.code == "image_too_large"
    assert "not a PDF" not in exc.value.messages[0]
    assert "big.jpg" in exc.value.messages[0]
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 800)
    assert uploads.strip_metadata(SimpleUploadedFile("ok.jpg", _jpeg_with_gps())) is not None


def test_decompression_bomb_is_too_large(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Pillow's own limit: 2x is an error
    with pytest.raises(ValidationError) as exc:
        uploads.strip_metadata(SimpleUploadedFile("bomb.jpg", _jpeg_with_gps()))
    assert exc.value.code == "image_too_large"


def _submit(files):
    consent = consent_given(
        RequestFactory().post("/"), text=consent_text_current(purpose="hotline"), keep_ip=False
    )
    data = ReportInput(
        language="ru", reporter_type="citizen", category="fraud", description="x", files=files
    )
    return report_submit(data=data, consent=consent).report


@pytest.mark.django_db
def test_hotline_attachments_keep_no_original_name():
    report = _submit(
        [
            SimpleUploadedFile("IMG_Ivanov_Petr_20260301_101530.jpg", _jpeg_with_gps()),
            SimpleUploadedFile("Petrov complaint.pdf", b"%PDF-1.4\n%%EOF\n"),
        ]
    )
    names = list(
        ReportAttachment.objects.filter(report=report)
        .order_by("id")
        .values_list("original_name", "stored_name")
    )
    assert [name for name, _ in names] == ["file-1.jpg", "file-2.pdf"]
    assert "Ivanov" not in str(names) and "Petrov" not in str(names)


@pytest.mark.django_db
def test_follow_up_files_continue_the_numbering():
    from hotline.services.submission import report_reporter_message

    report = _submit([SimpleUploadedFile("a.png", _png_with_text())])
    report_reporter_message(
        report_id=report.pk, files=[SimpleUploadedFile("Secret_Author.png", _png_with_text())]
    )
    assert list(
        ReportAttachment.objects.filter(report=report)
        .order_by("id")
        .values_list("original_name", flat=True)
    ) == ["file-1.png", "file-2.png"]
