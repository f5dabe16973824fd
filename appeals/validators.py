"""Kazakhstan identification numbers (IIN for people, BIN for organisations)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def kz_check_digit(first_eleven: str) -> int | None:
    """Check digit of an IIN/BIN: weighted sum mod 11, with the second weights on a 10."""
    digits = [int(c) for c in first_eleven]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):
        control = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if control != 10:
            return control
    return None  # such numbers are never issued


def is_valid_kz_number(value: str) -> bool:
    if len(value) != 12 or not value.isdigit():
        return False
    return kz_check_digit(value[:11]) == int(value[11])


def validate_iin(value: str) -> None:
    if not (len(value) == 12 and value.isdigit()):
        raise ValidationError(_("An IIN has exactly 12 digits."), code="iin_format")
    if not is_valid_kz_number(value):
        raise ValidationError(
            _("This IIN is not valid: its check digit does not match."), code="iin_checksum"
        )


def validate_bin(value: str) -> None:
    if not (len(value) == 12 and value.isdigit()):
        raise ValidationError(_("A BIN has exactly 12 digits."), code="bin_format")
    if not is_valid_kz_number(value):
        raise ValidationError(
            _("This BIN is not valid: its check digit does not match."), code="bin_checksum"
        )
