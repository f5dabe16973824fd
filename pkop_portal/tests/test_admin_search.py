"""The shape-recognising admin search (pkop_portal.admin_search), on the appeal admin's config."""

from datetime import date

import pytest
from django.db import connection, transaction

from appeals.admin import AppealAdmin
from appeals.models import Appeal
from appeals.tests.factories import VALID_BIN, VALID_IIN, AppealFactory
from pkop_portal import admin_search
from pkop_portal.admin_search import (
    EMAIL,
    IIN,
    NOTHING,
    NUMBER,
    PHONE,
    WORDS,
    ShapedSearch,
    ShapedSearchMixin,
    code_number,
    yearly_number,
)

SEARCH = AppealAdmin.shaped_search
TODAY = date(2026, 12, 6)
on_postgres = pytest.mark.postgres


def found(term, *, personal=True):
    return set(
        SEARCH.filter(Appeal.objects.all(), term, personal=personal).values_list(
            "number", flat=True
        )
    )


# --- Shapes (no database) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "term",
    ["A-2026-000123", "a-2026-123", " A 2026 000123 ", "Ａ－２０２６－０００１２３", "2026-000123"],
)
def test_a_full_or_yearly_number_is_one_exact_number(term):
    assert SEARCH.shape(term) == admin_search.Shape(NUMBER, ("A-2026-000123",))


@pytest.mark.parametrize("term", ["000123", "123"])
def test_a_bare_sequence_is_that_number_in_each_recent_year(term):
    candidates = yearly_number("A", years_back=2).candidates(term, today=TODAY)
    assert candidates == ["A-2026-000123", "A-2025-000123", "A-2024-000123"]


@pytest.mark.parametrize("term", ["C-2026-000123", "A-2026-0001234", "0", "A-"])
def test_another_prefix_or_length_is_not_a_number(term):
    assert SEARCH.shape(term).kind != NUMBER


def test_twelve_ascii_digits_are_an_iin_or_bin():
    assert SEARCH.shape(VALID_IIN) == admin_search.Shape(IIN, (VALID_IIN,))
    # Arabic-Indic digits are another string: searched as a word, never as an IIN.
    assert SEARCH.shape("٨٧٠١٠١٣٠٠٠٠٩").kind == WORDS


@pytest.mark.parametrize(
    "term", ["+7 701 123 45 67", "8 (701) 123-45-67", "87011234567", "+7.701.123.45.67"]
)
def test_a_phone_as_typed_is_its_e164_form(term):
    assert SEARCH.shape(term) == admin_search.Shape(PHONE, ("+77011234567",))


@pytest.mark.parametrize("term", ["8 701 12", "+7 000 000 00 00", "8701123456789012"])
def test_an_invalid_phone_falls_back_to_words(term):
    # Digits that are no phone may be a document number (a row holding it first, then words).
    no_documents = ShapedSearch(phone=("phone",), text=("text",))
    assert no_documents.shape(term).kind == WORDS
    shape = SEARCH.shape(term)
    assert shape.kind in (WORDS, admin_search.ID_DOCUMENT)
    assert shape.values[-1] == admin_search.search_words(term)[-1]


def test_an_email_is_exact_and_a_partial_one_is_words():
    assert SEARCH.shape(" Aigerim@Example.KZ ") == admin_search.Shape(
        EMAIL, ("Aigerim@Example.KZ",)
    )
    assert SEARCH.shape("aigerim@").kind == WORDS


def test_a_masked_viewer_gets_words_for_personal_shapes_but_numbers_stay():
    for term in (VALID_IIN, "+7 701 123 45 67", "a@example.kz"):
        assert SEARCH.shape(term, personal=False).kind == WORDS
    assert SEARCH.shape("A-2026-000001", personal=False).kind == NUMBER


def test_words_are_lower_cased_and_prefixes_from_three_letters():
    shape = SEARCH.shape("Жылу ӘЖЕ, в доме!")
    assert shape == admin_search.Shape(WORDS, ("жылу", "әже", "в", "доме"))
    assert admin_search.tsquery_text(list(shape.values)) == "'жылу':* & 'әже':* & 'в' & 'доме':*"
    assert SEARCH.shape("  !!! ").kind == NOTHING


def test_booking_codes_need_the_prefix_or_a_digit():
    codes = code_number("R", alphabet="23456789ABCDEFGHJKMNPQRSTUVWXYZ", length=8)
    assert codes.candidates("r-abcdefgh") == ["R-ABCDEFGH"]
    assert codes.candidates("ABCD2345") == ["R-ABCD2345"]
    assert codes.candidates("ABCDEFGH") == []  # a word (a name) more likely
    assert codes.candidates("R-ABCD2340") == []  # 0 is not in the alphabet


# --- Lookups and results -------------------------------------------------------------------


@pytest.fixture
def appeals(db):
    return {
        "target": AppealFactory(
            year=2026,
            sequence=123,
            iin=VALID_IIN,
            phone="+77011234567",
            email="Aigerim@Example.kz",
            full_name="Айгерим Садыкова",
            subject="Отопление в доме",
            text="Жылу беру үзілді, помощи нет.",
        ),
        "other": AppealFactory(
            year=2025,
            sequence=124,
            iin="",
            bin=VALID_BIN,
            phone="+77017654321",
            email="other@example.kz",
            full_name="Ерлан Жумабеков",
            organisation_name="ТОО Дала",
            subject="Дорога",
            text="Яма на дороге у школы.",
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term",
    [
        "A-2026-000123",
        "2026-000123",
        "000123",
        "123",
        VALID_IIN,
        "8 (701) 123-45-67",
        "aigerim@EXAMPLE.KZ",
    ],
)
def test_each_shape_finds_only_its_appeal(appeals, term):
    assert found(term) == {"A-2026-000123"}


@pytest.mark.django_db
def test_a_bin_is_found_in_the_bin_column(appeals):
    assert found(VALID_BIN) == {"A-2025-000124"}


@pytest.mark.django_db
def test_names_are_found_only_by_viewers_of_personal_data(appeals):
    assert found("Дала") == {"A-2025-000124"}
    assert found("Дала", personal=False) == set()
    assert found(VALID_IIN, personal=False) == set()
    assert found("aigerim@example.kz", personal=False) == set()
    assert found("A-2026-000123", personal=False) == {"A-2026-000123"}


@pytest.mark.django_db
def test_a_word_of_the_text_is_found_as_typed_on_any_database(appeals):
    # Same case as stored: SQLite's LIKE folds ASCII letters only.
    assert found("школы") == {"A-2025-000124"}
    assert found("беру", personal=False) == {"A-2026-000123"}
    assert found("беру школы") == set()  # every word must be there


@on_postgres
@pytest.mark.django_db
def test_russian_and_kazakh_words_of_subject_and_text_any_case_and_prefix(appeals):
    assert found("ОТОПЛЕНИЕ") == {"A-2026-000123"}  # subject, other case
    assert found("жылу") == {"A-2026-000123"}  # Kazakh, text
    assert found("ҮЗІЛДІ") == {"A-2026-000123"}  # Kazakh letters upper-cased
    assert found("помощ") == {"A-2026-000123"}  # a prefix finds помощи
    assert found("дорог") == {"A-2025-000124"}  # subject Дорога and text дороге
    assert found("отопление жылу", personal=False) == {"A-2026-000123"}  # subject + text


@on_postgres
@pytest.mark.django_db
def test_a_common_word_is_searched_in_the_database_not_as_an_id_list(appeals, monkeypatch):
    monkeypatch.setattr(admin_search, "WORD_IDS_MAX", 1)
    AppealFactory(subject="Отопление", text="Холодно")
    queryset = SEARCH.filter(Appeal.objects.all(), "отопление")
    assert "to_tsvector" in str(queryset.query)
    assert queryset.count() == 2


@pytest.mark.django_db
def test_the_sqlite_fallback_is_icontains_over_every_text_column(appeals):
    plain = ShapedSearch(text=("subject", "text"), names=("full_name",), full_text=False)
    queryset = plain.filter(Appeal.objects.all(), "Дорога")
    assert "to_tsvector" not in str(queryset.query)
    assert set(queryset.values_list("number", flat=True)) == {"A-2025-000124"}
    assert plain.filter(Appeal.objects.all(), "Ерлан", personal=False).count() == 0


@pytest.mark.django_db
def test_nothing_searchable_finds_nothing(appeals):
    assert found("!!!") == set()


def test_the_mixin_returns_no_duplicates_and_leaves_an_empty_search_alone():
    class Admin(ShapedSearchMixin):
        shaped_search = SEARCH

    sentinel = object()
    assert Admin().get_search_results(None, sentinel, "  ") == (sentinel, False)


# --- The indexes are usable by the lookups (PostgreSQL) -------------------------------------


def plan(queryset) -> str:
    """The plan of `queryset` (unordered) with sequential scans priced out: an index whose
    expression matches the lookup is then always chosen, whatever the table's size."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.order_by().explain()


@on_postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "term, index",
    [
        ("A-2026-000123", "appeals_appeal_number"),
        ("aigerim@example.kz", "appeal_email_upper"),
        ("+77011234567", "appeals_appeal_phone"),
        (VALID_BIN, "appeal_bin"),
        ("отопление", "appeal_text_search"),
    ],
)
def test_each_lookup_uses_its_index(appeals, monkeypatch, term, index):
    monkeypatch.setattr(admin_search, "WORD_IDS_MAX", 0)  # the word query itself
    assert index in plan(SEARCH.filter(Appeal.objects.all(), term))


@on_postgres
@pytest.mark.django_db
def test_the_name_search_uses_its_gin_index(appeals, monkeypatch):
    monkeypatch.setattr(admin_search, "WORD_IDS_MAX", 0)
    explained = plan(SEARCH.filter(Appeal.objects.all(), "Садыкова"))
    assert "appeal_name_search" in explained and "appeal_text_search" in explained


# --- An identity document's number (an applicant without an IIN) ------------------------------


@pytest.mark.parametrize("term", ["E12345678", "e 1234-5678", " e1234 5678 "])
def test_a_document_number_as_typed_is_its_one_spelling(term):
    shape = SEARCH.shape(term)
    assert shape.kind == admin_search.ID_DOCUMENT
    assert shape.values[0] == "E12345678"


@pytest.mark.parametrize("term", ["heating", "ABCD", "E12", "Е12345678"])
def test_a_word_without_a_digit_or_of_another_shape_is_no_document(term):
    # No digit; too short; a Cyrillic "Е": none can be a document number.
    assert SEARCH.shape(term).kind == WORDS


def test_a_masked_viewer_never_searches_by_document():
    assert SEARCH.shape("E12345678", personal=False).kind == WORDS


@pytest.fixture
def foreigner(appeals):
    return AppealFactory(
        year=2026,
        sequence=125,
        iin="",
        id_document_kind="passport",
        id_document_number="E12345678",
        subject="Шум",
        text="Шум ночью, пропуск AI95 не работает.",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["E12345678", "e 1234-5678"])
def test_a_document_number_finds_its_appeal(foreigner, term):
    assert found(term) == {"A-2026-000125"}
    assert found(term, personal=False) == set()


@pytest.mark.django_db
def test_a_document_shaped_word_that_no_appeal_holds_is_searched_as_a_word(foreigner):
    assert found("AI95") == {"A-2026-000125"}
    assert found("ZZ9999") == set()


@on_postgres
@pytest.mark.django_db
def test_the_document_lookup_uses_its_index(foreigner):
    queryset = Appeal.objects.filter(id_document_number="E12345678")
    assert "appeal_id_document_number" in plan(queryset)
