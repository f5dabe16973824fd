"""An applicant without an IIN (a foreign national) identifies themselves by the kind and number
of an identity document instead.

The number is kept in one spelling, as printed in the document's machine-readable line: Latin
capital letters A–Z and ASCII digits, spaces and hyphens dropped. Like the IIN (pkop_portal.
validators) a full-width or Cyrillic look-alike would be another string to the repeat check and
to the lost-code match, so it is refused rather than stored.
"""

import re
import string

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdDocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    OTHER = "other", _("Other identity document")


# The column's length (Appeal.id_document_number); passports carry 9 characters, residence
# permits and other documents of some countries more.
NUMBER_MAX_LENGTH = 20
NUMBER_MIN_LENGTH = 4
NUMBER_PATTERN = rf"^[A-Z0-9]{{{NUMBER_MIN_LENGTH},{NUMBER_MAX_LENGTH}}}$"
_NUMBER = re.compile(NUMBER_PATTERN)
_SEPARATORS = re.compile(r"[ \-]")
_ALLOWED = frozenset(string.ascii_uppercase + string.digits)


def normalise_document_number(value: str) -> str:
    """'e 1234-5678' → 'E12345678': separators dropped, letters in capitals (ASCII only: a
    non-ASCII character is kept as it is, so validation refuses it)."""
    compact = _SEPARATORS.sub("", value.strip())
    return "".join(c.upper() if c.isascii() else c for c in compact)


def validate_document_number(value: str) -> None:
    """A normalised document number: A–Z and 0–9 only, 4 to 20 characters.
    Raises ValidationError(code="id_document_characters" | "id_document_length")."""
    if any(c not in _ALLOWED for c in value):
        raise ValidationError(
            _(
                "Type the document number with the Latin letters A–Z and the ordinary digits "
                "0–9, as printed in the document."
            ),
            code="id_document_characters",
        )
    if not _NUMBER.match(value):
        raise ValidationError(
            _("A document number has %(min)d to %(max)d letters and digits."),
            code="id_document_length",
            params={"min": NUMBER_MIN_LENGTH, "max": NUMBER_MAX_LENGTH},
        )


def clean_document_number(value: str) -> str:
    """The typed number normalised and validated (see above); '' stays ''."""
    number = normalise_document_number(value or "")
    if number:
        validate_document_number(number)
    return number


def typed_document_number(typed: str) -> str:
    """What a citizen typed on the lost-code page as a document number, or '' if it cannot be
    one (so it never matches an empty column)."""
    number = normalise_document_number(typed)
    return number if _NUMBER.match(number) else ""


def mask_document_number(value: str) -> str:
    """'E12345678' → 'E******78': like the IIN's mask, the ends only, the length kept."""
    if not value:
        return ""
    if len(value) <= 4:
        return "*" * len(value)
    return f"{value[0]}{'*' * (len(value) - 3)}{value[-2:]}"
