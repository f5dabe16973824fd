"""Uploaded files, shared by every public form: count, size, and a type decided by the file's
content (never its name or the browser's claim); the stored extension and the download name
follow the detected type, so a file named `page.html` that is really a PDF stays a PDF."""

import logging
import re
import unicodedata
import uuid
import warnings
import zipfile
from collections.abc import Iterable
from io import BytesIO
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", DOCX: "DOCX"}
# The only extensions a stored or downloaded file ever gets, one per allowed type.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", DOCX: ".docx"}
# What a download of anything else (e.g. a row stored before types were checked) is sent as.
UNKNOWN_TYPE = "application/octet-stream"
_UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def detect_type(upload) -> str | None:
    """MIME type from the first bytes (filetype); a DOCX must really be a Word package.
    None for anything outside ALLOWED."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in ("application/zip", DOCX):
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            names = set()
        finally:
            upload.seek(0)
        mime = DOCX if "word/document.xml" in names else None
    return mime if mime in ALLOWED else None


def validate_uploads(files, *, max_files: int | None = None, max_mb: int | None = None) -> list:
    """Raise ValidationError with every problem of the chosen files; set `.detected_type` on
    each accepted one. Limits default to the appeal form's (APPEALS_MAX_FILES/_FILE_MB)."""
    max_files = settings.APPEALS_MAX_FILES if max_files is None else max_files
    max_size = (settings.APPEALS_MAX_FILE_MB if max_mb is None else max_mb) * 1024 * 1024
    errors = []
    if len(files) > max_files:
        errors.append(
            ValidationError(
                _("Attach at most %(count)d files.") % {"count": max_files}, code="too_many_files"
            )
        )
    for upload in files:
        if upload.size > max_size:
            errors.append(
                ValidationError(
                    _("“%(name)s” is larger than %(limit)s.")
                    % {"name": upload.name, "limit": filesizeformat(max_size)},
                    code="file_too_large",
                )
            )
            continue
        if upload.size == 0:
            errors.append(
                ValidationError(_("“%(name)s” is empty.") % {"name": upload.name}, code="empty")
            )
            continue
        mime = detect_type(upload)
        if mime is None:
            errors.append(
                ValidationError(
                    _("“%(name)s” is not a PDF, JPEG, PNG or DOCX file.") % {"name": upload.name},
                    code="file_type",
                )
            )
            continue
        upload.detected_type = mime
    if errors:
        raise ValidationError(errors)
    return files


def upload_type(upload) -> str:
    """The detected type of an upload (set by validate_uploads, else detected now).

    Raises ValidationError(code="file_type") for anything outside ALLOWED: a service never
    stores a file on the strength of its name or the browser's Content-Type."""
    mime = getattr(upload, "detected_type", None) or detect_type(upload)
    if mime not in ALLOWED:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG or DOCX file.") % {"name": upload.name},
            code="file_type",
        )
    return mime


def download_name(original_name: str, content_type: str) -> str:
    """A file name safe to offer for download: the original stem without path, control or
    shell-special characters, with the extension of the stored type (not the original's)."""
    stem = PurePath(original_name.replace("\\", "/")).stem
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", unicodedata.normalize("NFC", stem)).strip(" ._")
    extension = EXTENSIONS.get(content_type, ".bin")
    return f"{stem[:100] or 'attachment'}{extension}"


def download_response(file_field, original_name: str, content_type: str) -> FileResponse:
    """A stored upload (`file_field`: its FieldFile) as a download for staff or its owner:
    always an attachment, never rendered inline, named `download_name(original_name, ...)`,
    sent as the type detected on upload (anything not allowed as application/octet-stream),
    with `nosniff`. Raises Http404 when the file is missing from storage."""
    if content_type not in ALLOWED:
        content_type = UNKNOWN_TYPE
    try:
        handle = file_field.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(original_name, content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def store_upload(record, upload, *, field_name: str = "file", display_name: str = "") -> str:
    """Save `upload` as the file of `record` (an unsaved pkop_portal.models.StoredFile row) and
    fill its columns: a random stored name with the extension of the detected type (an
    HTML/PDF polyglot named page.html lands as .pdf, never as what it was sent as), the
    original name without its path, the type and the size. The row itself is not saved.

    Returns the storage name of the file, for `delete_stored` should the caller's transaction
    roll back. Raises ValidationError(code="file_type") for a file of no allowed type.

    `display_name` (a stem such as "file-1") replaces the name the file was sent with: the
    hotline keeps no original file name ("IMG_Ivanov_Petr.jpg", camera timestamps); the
    extension is that of the detected type."""
    content_type = upload_type(upload)
    record.stored_name = f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}"
    if display_name:
        record.original_name = f"{display_name}{EXTENSIONS[content_type]}"
    else:
        record.original_name = PurePath(upload.name.replace("\\", "/")).name[:255]
    record.content_type = content_type
    record.size = upload.size
    stored = getattr(record, field_name)
    stored.save(record.stored_name, upload, save=False)
    return stored.name


def delete_stored(names: Iterable[str]) -> None:
    """Remove files saved by `store_upload` whose rows were rolled back (never raises: a file
    that cannot be removed is logged and left as an orphan)."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete orphaned upload %s", name, exc_info=True)


# --- image metadata ------------------------------------------------------------------------

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}
# Far above any photo, far below what would exhaust memory when decoded.
MAX_IMAGE_PIXELS = 60_000_000
JPEG_QUALITY = 90


def _image_too_large(upload) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” is too large a picture (more than %(count)d million pixels). Send it "
            "smaller, or as a screenshot."
        )
        % {"name": upload.name, "count": MAX_IMAGE_PIXELS // 1_000_000},
        code="image_too_large",
    )


def strip_metadata(upload):
    """A copy of the JPEG or PNG `upload` with only its pixels: EXIF (with GPS position,
    camera, time), XMP, IPTC, ICC profile, comments and text chunks dropped. The EXIF
    orientation is applied to the pixels first, so the picture still looks the right way up.

    Returns a new uploaded file (same name, `detected_type` set) to store instead of `upload`;
    None for other types (PDF, DOCX: stored as sent, the form warns they may carry the author).
    Raises ValidationError(code="file_type") for an image that cannot be decoded (forged), and
    ValidationError(code="image_too_large") for one over MAX_IMAGE_PIXELS (or a decompression
    bomb).
    """
    mime = upload_type(upload)
    if mime not in IMAGE_TYPES:
        return None
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise _image_too_large(upload)
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("1", "L", "LA", "RGB", "RGBA", "I;16", "I"):
                    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                if IMAGE_TYPES[mime] == "JPEG" and image.mode not in ("L", "RGB"):
                    image = image.convert("RGB")
                # A fresh image from the raw pixels: no info dict, nothing of the original.
                clean = Image.frombytes(image.mode, image.size, image.tobytes())
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _image_too_large(upload) from None
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError):
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG or DOCX file.") % {"name": upload.name},
            code="file_type",
        ) from None
    finally:
        upload.seek(0)
    buffer = BytesIO()
    if IMAGE_TYPES[mime] == "JPEG":
        clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(buffer, format="PNG", optimize=True)
    stripped = SimpleUploadedFile(upload.name, buffer.getvalue(), content_type=mime)
    stripped.detected_type = mime
    return stripped
