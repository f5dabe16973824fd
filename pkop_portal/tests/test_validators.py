"""The shared input rules: IIN/BIN (ASCII digits, date of birth, century digit, check digit),
plain text without control characters."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pkop_portal.validators import (
    NoControlCharacters,
    iin_birth_date,
    kz_check_digit,
    validate_bin,
    validate_iin,
)

IIN = "870101300009"  # 1 January 1987, a man, check digit 9
FULL_WIDTH = IIN.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = IIN.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def with_check_digit(first_eleven: str) -> str:
    """`first_eleven` completed with its check digit (skipping numbers never issued)."""
    digit = kz_check_digit(first_eleven)
    assert digit is not None, first_eleven
    return first_eleven + str(digit)


def code_of(validator, value) -> str | None:
    try:
        validator(value)
    except ValidationError as exc:
        return exc.code
    return None


def test_the_sample_iin_is_valid_and_encodes_its_date_of_birth():
    assert code_of(validate_iin, IIN) is None
    assert iin_birth_date(IIN) == date(1987, 1, 1)


@pytest.mark.parametrize("value", [FULL_WIDTH, ARABIC_INDIC])
def test_iin_in_other_digits_is_refused_though_python_reads_them_as_digits(value):
    assert value.isdigit() and int(value) == int(IIN)
    assert code_of(validate_iin, value) == "iin_digits"


@pytest.mark.parametrize("value", [FULL_WIDTH, ARABIC_INDIC])
def test_bin_in_other_digits_is_refused(value):
    assert code_of(validate_bin, value) == "bin_digits"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("87010130000", "iin_format"),
        ("8701013000091", "iin_format"),
        ("87010130000a", "iin_format"),
        ("8701013000 9", "iin_format"),
        ("870101300008", "iin_checksum"),
    ],
)
def test_iin_format_and_check_digit(value, code):
    assert code_of(validate_iin, value) == code


@pytest.mark.parametrize(("digit", "year"), [("1", 1887), ("2", 1887), ("3", 1987), ("4", 1987)])
def test_century_digits_one_to_six_give_the_century(digit, year):
    value = with_check_digit(f"870101{digit}0000")
    assert code_of(validate_iin, value) is None
    assert iin_birth_date(value) == date(year, 1, 1)


@pytest.mark.parametrize("digit", ["5", "6"])
def test_century_digits_five_and_six_are_the_2000s(digit):
    value = with_check_digit(f"050101{digit}0000")
    assert code_of(validate_iin, value) is None
    assert iin_birth_date(value) == date(2005, 1, 1)


@pytest.mark.parametrize("digit", ["0", "7", "8", "9"])
def test_other_century_digits_are_refused(digit):
    first_eleven = next(
        f"870101{digit}{n:04d}"
        for n in range(100)
        if kz_check_digit(f"870101{digit}{n:04d}") is not None
    )
    assert code_of(validate_iin, with_check_digit(first_eleven)) == "iin_century"


@pytest.mark.parametrize(
    ("yymmdd", "century", "valid"),
    [
        ("870229", "3", False),  # 1987 is not a leap year
        ("880229", "3", True),  # 1988 is
        ("000229", "3", False),  # 1900 is not
        ("000229", "5", True),  # 2000 is
        ("870431", "3", False),
        ("870430", "3", True),
        ("871301", "3", False),
        ("870001", "3", False),
        ("870100", "3", False),
        ("871231", "3", True),
    ],
)
def test_the_first_six_digits_must_be_a_real_date(yymmdd, century, valid):
    first_eleven = next(
        f"{yymmdd}{century}{n:04d}"
        for n in range(100)
        if kz_check_digit(f"{yymmdd}{century}{n:04d}") is not None
    )
    assert code_of(validate_iin, with_check_digit(first_eleven)) == (None if valid else "iin_date")


def test_a_date_of_birth_after_today_is_refused():
    def iin_born(day: date) -> str:
        yymmdd = f"{day:%y%m%d}"
        return with_check_digit(
            next(
                f"{yymmdd}5{n:04d}"
                for n in range(100)
                if kz_check_digit(f"{yymmdd}5{n:04d}") is not None
            )
        )

    from django.utils import timezone

    today = timezone.localdate()
    assert code_of(validate_iin, iin_born(today)) is None
    assert code_of(validate_iin, iin_born(today + timedelta(days=1))) == "iin_date"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("980511400007", None),
        ("980511400001", "bin_checksum"),
        ("98051140000", "bin_format"),
        ("98051140000x", "bin_format"),
    ],
)
def test_bin_format_and_check_digit(value, code):
    assert code_of(validate_bin, value) == code


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x7f"])
def test_control_characters_are_refused_with_the_field_named(char):
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            NoControlCharacters("Full name")(f"Айгерим{char}Садыкова")
        assert exc.value.code == "control_character"
        assert exc.value.messages == [
            f"“Full name” contains an invisible control character (U+{ord(char):04X}). "
            "Remove it and try again."
        ]


@pytest.mark.parametrize("char", ["\x80", "\x85", "\x9f"])
def test_c1_control_characters_are_refused(char):
    assert code_of(NoControlCharacters("x"), f"a{char}b") == "control_character"


@pytest.mark.parametrize("text", ["Tab\there", "Line\nbreak", "Ёлка 🎄 «кавычки» — тире", ""])
def test_tab_newline_and_ordinary_unicode_pass(text):
    assert code_of(NoControlCharacters("x"), text) is None
