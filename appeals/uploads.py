"""Attachment checks: count, size, and type decided by the file's content, not its name."""

import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", DOCX: "DOCX"}


def detect_type(upload) -> str | None:
    """MIME type from the first bytes (filetype); a DOCX must really be a Word package."""
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


def validate_uploads(files) -> list:
    """Raise ValidationError with every problem of the chosen files; set .detected_type."""
    max_files = settings.APPEALS_MAX_FILES
    max_size = settings.APPEALS_MAX_FILE_MB * 1024 * 1024
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
