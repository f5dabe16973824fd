import pytest
from django.core.exceptions import ValidationError

from pkop_portal.validators import is_valid_kz_number, kz_check_digit, validate_bin, validate_iin


@pytest.mark.parametrize("value", ["870101300009", "900401300008", "980511400007"])
def test_valid_numbers_pass(value):
    assert is_valid_kz_number(value)
    validate_iin(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("870101300008", "iin_checksum"),
        ("87010130000", "iin_format"),
        ("8701013000091", "iin_format"),
        ("87010130000a", "iin_format"),
    ],
)
def test_invalid_iin_is_refused_with_code(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_iin(value)
    assert exc.value.code == code


def test_invalid_bin_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_bin("980511400001")
    assert exc.value.code == "bin_checksum"


def test_check_digit_uses_second_weights_when_first_gives_ten():
    # Digits whose first weighted sum is 10 mod 11 fall back to the second weights.
    base = next(
        f"{n:011d}"
        for n in range(10**10, 10**10 + 5000)
        if sum(int(d) * w for d, w in zip(f"{n:011d}", range(1, 12), strict=True)) % 11 == 10
    )
    digit = kz_check_digit(base)
    weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
    second = sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11
    assert digit == (second if second != 10 else None)
