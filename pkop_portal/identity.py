"""An applicant without an IIN (a foreign national) identifies themselves by the kind and number
of an identity document instead: appeals, charity requests and reception bookings alike.

The rules live here once: the model columns, their check constraint and index
(`document_kind_field`, `document_number_field`, `document_constraint`, `document_index`), the
number's spelling, and the public form's fields (pkop_portal.forms.IdentityDocumentForm).

The number is kept in one spelling, as printed in the document's machine-readable line: Latin
capital letters A–Z and ASCII digits, spaces and hyphens dropped. Like the IIN (pkop_portal.
validators) a full-width or Cyrillic look-alike would be another string to the repeat check and
to the lost-code match, so it is refused rather than stored.
"""

import re
import string

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pkop_portal.masking import mask_iin


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


def mask_identity(record) -> str:
    """A list's column for `record` (with `iin`, `id_document_kind`, `id_document_number`): the
    IIN masked, or for a person without one the document's kind and masked number."""
    if record.iin or not record.id_document_number:
        return mask_iin(record.iin)
    kind = record.get_id_document_kind_display()
    return f"{kind} {mask_document_number(record.id_document_number)}"


def check_identity(*, iin: str, kind: str, number: str, required: bool = True) -> None:
    """The service's rule, whatever the channel: an identity document comes with its kind and a
    valid number, and only in place of an IIN; `required`: one or the other must be given.
    Raises ValidationError(code="id_document" | "iin_and_document" | "no_identity")."""
    if kind or number:
        if kind not in IdDocumentKind.values or not number:
            raise ValidationError(
                _("Give the kind and the number of the identity document."), code="id_document"
            )
        validate_document_number(number)
        if iin:
            raise ValidationError(
                _("Give either an IIN or an identity document, not both."),
                code="iin_and_document",
            )
    elif required and not iin:
        raise ValidationError(
            _("Give your IIN or, if you have none, an identity document."), code="no_identity"
        )


# --- the model's columns, constraint and index --------------------------------------------------


def document_kind_field():
    return models.CharField(
        _("identity document"), max_length=16, choices=IdDocumentKind.choices, blank=True
    )


def document_number_field():
    return models.CharField(_("identity document number"), max_length=NUMBER_MAX_LENGTH, blank=True)


def document_constraint(name: str, *, iin: str = "iin") -> models.CheckConstraint:
    """One spelling of a document number, given with its kind, and only by an applicant
    without an IIN (the `iin` column empty)."""
    return models.CheckConstraint(
        condition=Q(id_document_kind="", id_document_number="")
        | (~Q(id_document_kind="") & Q(id_document_number__regex=NUMBER_PATTERN) & Q(**{iin: ""})),
        name=name,
    )


def document_index(name: str) -> models.Index:
    """The number's exact lookup (repeat checks, lost codes, staff search), rows with one only."""
    return models.Index(
        fields=["id_document_number"], condition=~Q(id_document_number=""), name=name
    )
