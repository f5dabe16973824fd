"""Admin search that reads the shape of the query, so every search is an index lookup.

Django's stock admin search runs `UPPER(col) LIKE '%q%'` over every search field: a full scan
per column at 100,000 rows. Staff type one of a few things, and each has its own shape:

=================  ==============================================  ===========================
shape              examples                                        lookup
=================  ==============================================  ===========================
number             ``A-2026-000123``, ``2026-000123``, ``000123``,  ``number IN (candidates)``
                   ``123``; ``R-7KX2M9QA``, ``7KX2M9QA``            on the unique index
IIN / BIN          ``870101300009`` (12 ASCII digits)              ``iin = …`` (or ``bin``)
phone              ``+7 701 123 45 67``, ``8 (701) 123-45-67``       ``phone = '+77011234567'``
e-mail             ``Aigerim@Example.kz``                          ``UPPER(email) = UPPER(…)``
identity document  ``E12345678``, ``e 1234-5678`` (A–Z and 0–9,    ``id_document_number = …``
                   4–20, with a digit; pkop_portal.identity)        when a row has it, else words
words              ``отопление``, ``жылу беру``                    PostgreSQL full text (GIN);
                                                                   ``icontains`` on SQLite
=================  ==============================================  ===========================

A partial registration number becomes the short list of full numbers it can be (the
configured prefix, each of the last `years_back` years, the sequence zero-padded), looked up
with ``IN`` on the number's unique index, whatever the database's collation. A query of a
wrong shape (an invalid phone, a number of another prefix) is searched as words.

Words: each word of the query (``\\w+``) must occur in one of the text columns, as a word
prefix when it has 3 letters or more (``помощ`` finds ``помощь``, ``помощи``). PostgreSQL
matches ``to_tsvector('simple', col1 || ' ' || col2 …) @@ to_tsquery('simple', 'w1:* & w2')``;
the 'simple' configuration only lower-cases (no stemmer), so Kazakh and Russian words are found
as written. The expression must be exactly the one of the GIN index, so both come from
`text_vector()`: create the index with `gin_search_index()` in a migration (PostgreSQL only; a
no-op on SQLite, whose search falls back to ``icontains`` on each column).

Personal data: a viewer who may not see it (``personal=False``) searches only by number and by
the words of `text`: an IIN, phone or e-mail typed by them is searched as words of the text,
and `names` are not searched, so a search never tells them whose record it is.

Use in a ModelAdmin::

    class AppealAdmin(ShapedSearchMixin, PortalModelAdmin):
        search_fields = ("number",)  # shows the search box; the lookups come from below
        shaped_search = ShapedSearch(
            number="number",
            number_format=yearly_number("A"),
            iin=("iin", "bin"),
            phone=("phone",),
            email=("email",),
            text=("subject", "text"),
            names=("full_name", "organisation_name"),
        )

        def search_personal_data_visible(self, request):
            return request.user.has_perm("appeals.change_appeal")

and in the model's migration (PostgreSQL only)::

    operations = [gin_search_index("appeals", "Appeal", "appeal_text_search", "subject", "text")]

plus, for an e-mail column, ``models.Index(Upper("email"), name=…)`` in the model's Meta (a
plain expression index: it works on SQLite too).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

import phonenumbers
from django.db import connection, migrations
from django.db.models import Q, QuerySet

from pkop_portal import identity
from pkop_portal.validators import is_typed_phone

NUMBER = "number"
IIN = "iin"
PHONE = "phone"
EMAIL = "email"
ID_DOCUMENT = "id_document"
WORDS = "words"
NOTHING = "nothing"

# More words than this are ignored: a pasted paragraph must not make a 100-term query.
MAX_WORDS = 8
# Shorter words match whole words only: a 1–2 letter prefix would read half the index.
PREFIX_MIN_LENGTH = 3
# A word search matching at most this many rows is run as a list of their ids (see _words).
WORD_IDS_MAX = 2000
_WORD = re.compile(r"\w+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DASHES = re.compile(r"[\s\u2010-\u2015/]+")


def normalise_term(term: str) -> str:
    """The query as searched: NFKC (full-width letters and digits become ASCII), trimmed."""
    return unicodedata.normalize("NFKC", term or "").strip()


@dataclass(frozen=True)
class NumberFormat:
    """How the registration numbers of one model are written.

    Yearly (`yearly_number`): ``<PREFIX>-<YEAR>-<NNNNNN>``; a query may omit the prefix, the
    year (then any of the last `years_back` years) and the leading zeros.
    Code (`code_number`): ``<PREFIX>-<CODE>`` with a random code of `length` characters of
    `alphabet`; a query may omit the prefix when the code holds a digit (else it is a word)."""

    prefix: str
    width: int = 6
    years_back: int = 10
    alphabet: str = ""
    length: int = 0

    def candidates(self, term: str, *, today=None) -> list[str]:
        """The full numbers `term` may stand for (empty when it is not a number's shape)."""
        text = _DASHES.sub("-", term.upper())
        if self.alphabet:
            return self._code_candidates(text)
        match = re.fullmatch(
            rf"(?:(?P<prefix>[A-Z])-?)?(?:(?P<year>(?:19|20)\d\d)-)?(?P<seq>\d{{1,{self.width}}})",
            text,
            re.ASCII,
        )
        if match is None or (match["prefix"] and match["prefix"] != self.prefix):
            return []
        sequence = int(match["seq"])
        if sequence == 0:
            return []
        if match["year"]:
            years = [int(match["year"])]
        else:
            from pkop_portal import workdays  # deferred: workdays imports the ORM models

            current = (today or workdays.local_now().date()).year
            years = range(current, current - self.years_back - 1, -1)
        return [f"{self.prefix}-{year}-{sequence:0{self.width}d}" for year in years]

    def _code_candidates(self, text: str) -> list[str]:
        body = text.removeprefix(f"{self.prefix}-")
        has_prefix = body != text
        if len(body) != self.length or any(ch not in self.alphabet for ch in body):
            return []
        # Without its prefix a code made of letters only is more likely a word (a name).
        if not has_prefix and not any(ch.isdigit() for ch in body):
            return []
        return [f"{self.prefix}-{body}"]


def yearly_number(prefix: str, *, width: int = 6, years_back: int = 10) -> NumberFormat:
    """Numbers like ``A-2026-000123`` (pkop_portal.sequences.take_number)."""
    return NumberFormat(prefix=prefix, width=width, years_back=years_back)


def code_number(prefix: str, *, alphabet: str, length: int) -> NumberFormat:
    """Numbers like ``R-7KX2M9QA``: a prefix and a random code."""
    return NumberFormat(prefix=prefix, alphabet=alphabet, length=length)


def phone_e164(term: str) -> str | None:
    """`term` as an E.164 phone number (Kazakhstan unless it starts with +), or None when it is
    not typed as a phone (ASCII digits and separators, at least 10 digits) or is not valid."""
    digits = sum(ch.isdigit() for ch in term)
    if digits < 10 or not is_typed_phone(term):
        return None
    try:
        parsed = phonenumbers.parse(term, "KZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def document_number_shape(term: str) -> str:
    """`term` as an identity document's number (pkop_portal.identity's one spelling), or '' if
    it cannot be one: a number has at least one digit, so a plain word is never taken for one."""
    document = identity.typed_document_number(term)
    return document if any(c.isdigit() for c in document) else ""


def search_words(term: str, *, lower: bool = True) -> list[str]:
    """The words of `term` as searched: lower-cased (or as typed), at most MAX_WORDS."""
    return [w.lower() if lower else w for w in _WORD.findall(term)][:MAX_WORDS]


def tsquery_text(words: list[str]) -> str:
    """A raw tsquery of `words`, all required; words of PREFIX_MIN_LENGTH or more as prefixes.
    Words are \\w+ only, so quoting them is enough to keep tsquery syntax out."""
    parts = []
    for word in words:
        parts.append(f"'{word}'" + (":*" if len(word) >= PREFIX_MIN_LENGTH else ""))
    return " & ".join(parts)


def text_vector(*columns: str, config: str = "simple"):
    """The tsvector expression of `columns`: the same for the GIN index and the query."""
    # Deferred: django.contrib.postgres imports psycopg, absent where only SQLite is used.
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*columns, config=config)


def text_search_index(*columns: str, name: str, config: str = "simple"):
    """The GIN index over `text_vector(*columns)` (PostgreSQL)."""
    from django.contrib.postgres.indexes import GinIndex  # deferred: see text_vector

    return GinIndex(text_vector(*columns, config=config), name=name)


def gin_search_index(app_label: str, model_name: str, name: str, *columns: str, config="simple"):
    """A migration operation creating (reversed: dropping) the full-text GIN index `name`
    over `columns` on PostgreSQL; nothing on another database. It is not in the model's Meta
    because SQLite cannot build it (and would try when it rebuilds a table)."""

    def index():
        return text_search_index(*columns, name=name, config=config)

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(apps.get_model(app_label, model_name), index())

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(apps.get_model(app_label, model_name), index())

    return migrations.RunPython(forwards, backwards, elidable=False)


@dataclass(frozen=True)
class Shape:
    """What a query was recognised as: `kind` (NUMBER, IIN, PHONE, EMAIL, WORDS or NOTHING)
    and the value(s) looked up."""

    kind: str
    values: tuple = ()


@dataclass(frozen=True)
class ShapedSearch:
    """Which columns hold which kind of data (see the module docstring). Every tuple may be
    empty; a shape whose columns are not configured is searched as words."""

    number: str = ""
    number_format: NumberFormat | None = None
    iin: tuple[str, ...] = ()
    phone: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    # An identity document's number (pkop_portal.identity), given instead of an IIN.
    id_document: tuple[str, ...] = ()
    # Free text, searched for everyone (e.g. subject and text).
    text: tuple[str, ...] = ()
    # Personal free text (names), searched only for viewers of personal data.
    names: tuple[str, ...] = ()
    config: str = "simple"
    # Full-text search on PostgreSQL; False: icontains everywhere (small tables, no GIN index).
    full_text: bool = True

    def shape(self, term: str, *, personal: bool = True) -> Shape:
        """What `term` is, for a viewer who does (`personal`) or does not see personal data."""
        term = normalise_term(term)
        if not term:
            return Shape(NOTHING)
        if self.number and self.number_format:
            candidates = self.number_format.candidates(term)
            if candidates:
                return Shape(NUMBER, tuple(candidates))
        if personal:
            if self.iin and len(term) == 12 and term.isascii() and term.isdigit():
                return Shape(IIN, (term,))
            if self.phone:
                e164 = phone_e164(term)
                if e164:
                    return Shape(PHONE, (e164,))
            if self.email and _EMAIL.fullmatch(term):
                return Shape(EMAIL, (term,))
            if self.id_document:
                document = document_number_shape(term)
                if document:
                    return Shape(ID_DOCUMENT, (document, *search_words(term)))
        words = search_words(term)
        return Shape(WORDS, tuple(words)) if words else Shape(NOTHING)

    def filter(self, queryset: QuerySet, term: str, *, personal: bool = True) -> QuerySet:
        """`queryset` narrowed to the rows `term` finds (one WHERE, no join, no duplicates)."""
        found = self.shape(term, personal=personal)
        if found.kind == NUMBER:
            return queryset.filter(**{f"{self.number}__in": found.values})
        if found.kind in (IIN, PHONE, EMAIL):
            columns = {IIN: self.iin, PHONE: self.phone, EMAIL: self.email}[found.kind]
            lookup = "iexact" if found.kind == EMAIL else "exact"
            value = found.values[0]
            return queryset.filter(reduce(or_, (Q(**{f"{c}__{lookup}": value}) for c in columns)))
        if found.kind == ID_DOCUMENT:
            # A document number is also a word ("AI95"): the rows that hold it, else the words.
            document, *words = found.values
            held = queryset.filter(reduce(or_, (Q(**{c: document}) for c in self.id_document)))
            if held.exists():
                return held
            if not words:
                return queryset.none()
            found = Shape(WORDS, tuple(words))
        if found.kind == WORDS:
            groups = [self.text] + ([self.names] if personal and self.names else [])
            groups = [g for g in groups if g]
            if not groups:
                return queryset.none()
            return self._words(queryset, normalise_term(term), groups)
        return queryset.none()

    def _words(self, queryset: QuerySet, term: str, groups: list[tuple]) -> QuerySet:
        if self.full_text and connection.vendor == "postgresql":
            words = search_words(term)
            from django.contrib.postgres.search import SearchQuery  # deferred: see text_vector

            query = SearchQuery(tsquery_text(words), search_type="raw", config=self.config)
            aliases = {
                f"_search_{i}": text_vector(*g, config=self.config) for i, g in enumerate(groups)
            }
            matching = queryset.alias(**aliases).filter(
                reduce(or_, (Q(**{name: query}) for name in aliases))
            )
            # The planner cannot estimate a prefix query (it assumes ~2% of rows match): for a
            # rare word it would walk the list's sort index computing to_tsvector on every row
            # (seconds at 100,000 rows). So the ids are read first through the GIN index alone;
            # when few match, the list is those ids (exact, cheap to count and to sort).
            ids = list(matching.order_by().values_list("pk", flat=True)[: WORD_IDS_MAX + 1])
            if len(ids) <= WORD_IDS_MAX:
                return queryset.filter(_pk_in_array(queryset, ids))
            return matching
        # As typed: SQLite's LIKE folds only ASCII letters, so a lower-cased Cyrillic word
        # would miss the capitalised one.
        words = search_words(term, lower=False)
        columns = [c for g in groups for c in g]
        return queryset.filter(
            reduce(
                and_,
                (reduce(or_, (Q(**{f"{c}__icontains": w}) for c in columns)) for w in words),
            )
        )


def _pk_in_array(queryset: QuerySet, ids: list):
    """`pk = ANY(%s)` with the ids as ONE array parameter (PostgreSQL): the same rows and plan
    as `pk__in=ids`, without compiling a parameter per id on each of the list's queries (the
    count and the page)."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    quote = connection.ops.quote_name
    opts = queryset.model._meta
    column = f"{quote(opts.db_table)}.{quote(opts.pk.column)}"
    return RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())  # noqa: S611


class ShapedSearchMixin:
    """ModelAdmin mixin: the changelist's search goes through `shaped_search` (a ShapedSearch).
    Keep `search_fields` non-empty: Django shows the search box only then (its lookups are not
    used). Override `search_personal_data_visible(request)` where some viewers see personal
    data masked."""

    shaped_search: ShapedSearch = ShapedSearch()

    def search_personal_data_visible(self, request) -> bool:
        return True

    def get_search_results(self, request, queryset, search_term):
        if not normalise_term(search_term):
            return queryset, False
        personal = self.search_personal_data_visible(request)
        return self.shaped_search.filter(queryset, search_term, personal=personal), False
