"""Input rules shared by every form: Kazakhstan identification numbers (IIN for people, BIN for
organisations), plain text without HTML or control characters.

Only ASCII digits count as digits: Python's `str.isdigit()` and `int()` also accept full-width
(`８`) and Arabic-Indic (`٨`) digits, which would let one IIN be written three ways and slip past
every rule keyed on it (one booking per citizen and manager, repeated appeals). The database
check constraints on the IIN/BIN columns hold the same rule.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_TWELVE_DIGITS = re.compile(r"[0-9]{12}", re.ASCII)

# The IIN's 7th digit: the century of birth and the sex (odd: male, even: female).
IIN_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}

# What a person may type in a phone number: digits 0-9 and the usual separators. phonenumbers
# would also read full-width and Arabic-Indic digits; one number must have one spelling.
PHONE_INPUT_LENGTH = 32
_PHONE_CHARACTERS = re.compile(r"[0-9 +().\-]*", re.ASCII)


def is_typed_phone(value: str) -> bool:
    """Whether `value` is typed as the portal accepts a phone number (ASCII digits, spaces,
    +, brackets, hyphens and dots, at most PHONE_INPUT_LENGTH characters)."""
    return len(value) <= PHONE_INPUT_LENGTH and bool(_PHONE_CHARACTERS.fullmatch(value))


HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")

# Tab and newline are ordinary text; every other C0/C1 control character (and DEL) is not.
ALLOWED_CONTROL = frozenset("\t\n")


def is_ascii_digits(value: str, length: int) -> bool:
    """Whether `value` is exactly `length` of the digits 0-9 (no other script's digits)."""
    return len(value) == length and value.isascii() and value.isdigit()


def kz_check_digit(first_eleven: str) -> int | None:
    """Check digit of an IIN/BIN: weighted sum mod 11, with the second weights on a 10."""
    digits = [int(c) for c in first_eleven]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):
        control = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if control != 10:
            return control
    return None  # such numbers are never issued


def is_valid_kz_number(value: str) -> bool:
    """12 ASCII digits whose last one is the check digit of the first eleven."""
    if not _TWELVE_DIGITS.fullmatch(value):
        return False
    return kz_check_digit(value[:11]) == int(value[11])


def iin_birth_date(value: str) -> date | None:
    """The date of birth an IIN encodes (YYMMDD and the century digit), or None if it is not a
    real date or the century digit is not 1-6."""
    century = IIN_CENTURY.get(value[6:7])
    if century is None or not _TWELVE_DIGITS.fullmatch(value):
        return None
    try:
        return date(century + int(value[:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None


def _other_digits(value: str) -> bool:
    # Twelve digits of another script: say so, the person may not see the difference.
    return len(value) == 12 and value.isdigit() and not value.isascii()


def validate_iin(value: str) -> None:
    """An IIN: 12 ASCII digits, the 7th (century and sex) 1-6, the first six a real date of
    birth not after today, and the check digit. Raises ValidationError(code="iin_digits" |
    "iin_format" | "iin_century" | "iin_date" | "iin_checksum")."""
    if _other_digits(value):
        raise ValidationError(_("Type the IIN with the ordinary digits 0–9."), code="iin_digits")
    if not is_ascii_digits(value, 12):
        raise ValidationError(_("An IIN has exactly 12 digits."), code="iin_format")
    if value[6] not in IIN_CENTURY:
        raise ValidationError(
            _("This IIN is not valid: its 7th digit (century of birth and sex) must be 1–6."),
            code="iin_century",
        )
    born = iin_birth_date(value)
    if born is None or born > timezone.localdate():
        raise ValidationError(
            _("This IIN is not valid: its first six digits are not a date of birth (YYMMDD)."),
            code="iin_date",
        )
    if not is_valid_kz_number(value):
        raise ValidationError(
            _("This IIN is not valid: its check digit does not match."), code="iin_checksum"
        )


def validate_bin(value: str) -> None:
    """A BIN: 12 ASCII digits and the check digit. Raises ValidationError(code="bin_digits" |
    "bin_format" | "bin_checksum")."""
    if _other_digits(value):
        raise ValidationError(_("Type the BIN with the ordinary digits 0–9."), code="bin_digits")
    if not is_ascii_digits(value, 12):
        raise ValidationError(_("A BIN has exactly 12 digits."), code="bin_format")
    if not is_valid_kz_number(value):
        raise ValidationError(
            _("This BIN is not valid: its check digit does not match."), code="bin_checksum"
        )


def no_html(value: str) -> None:
    """Plain text only: anything that looks like an HTML tag is refused."""
    if value and HTML_TAG.search(value):
        raise ValidationError(
            _("Remove the HTML tags (text in angle brackets); write plain text."), code="html"
        )


def first_control_character(value: str) -> str | None:
    """The first control character of `value` other than tab and newline, or None."""
    for char in value:
        if char not in ALLOWED_CONTROL and unicodedata.category(char) == "Cc":
            return char
    return None


class NoControlCharacters:
    """Refuses text with control characters other than tab and newline (a NUL, an escape, a
    `\\x01` pasted from another program): invisible on the page, they break exports and
    e-mails. The error names the field, since it is otherwise impossible to find."""

    def __init__(self, field_label):
        self.field_label = field_label

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        char = first_control_character(value)
        if char is not None:
            raise ValidationError(
                _(
                    "“%(field)s” contains an invisible control character (%(character)s). "
                    "Remove it and try again."
                ),
                code="control_character",
                params={"field": self.field_label, "character": f"U+{ord(char):04X}"},
            )

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.field_label == self.field_label
