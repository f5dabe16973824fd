"""The database keeps IINs and BINs to ASCII digits even when a path skips the forms
(check constraints, on PostgreSQL and SQLite alike)."""

import pytest
from django.db import IntegrityError, transaction

from appeals.tests.factories import AppealFactory
from pkop_portal.tests.public_forms import IIN, free_slot
from reception.models import Booking

pytestmark = pytest.mark.django_db

FULL_WIDTH = IIN.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = IIN.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
BIN = "980511400007"


def booking(iin: str, **extra) -> Booking:
    slot = free_slot()
    return Booking.objects.create(
        number=f"R-{len(iin)}{iin[:4]}",
        slot=slot,
        manager=slot.manager,
        seat=1,
        full_name="X",
        iin=iin,
        language="ru",
        topic="x",
        token_nonce="n",
        token_hash=f"h-{iin}",
        idempotency_key=f"k-{iin}",
        **extra,
    )


@pytest.mark.parametrize("iin", [FULL_WIDTH, ARABIC_INDIC, "87010130000", "8701013000 9", ""])
def test_booking_iin_must_be_twelve_ascii_digits(iin):
    with pytest.raises(IntegrityError), transaction.atomic():
        booking(iin)
    assert Booking.objects.count() == 0


def test_booking_with_an_ascii_iin_is_stored():
    assert booking(IIN).iin == IIN


@pytest.mark.parametrize("iin", [FULL_WIDTH, ARABIC_INDIC, "87010130000x"])
def test_appeal_iin_must_be_empty_or_twelve_ascii_digits(iin):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppealFactory(iin=iin)


@pytest.mark.parametrize(
    "bin_", [BIN.translate(str.maketrans("0123456789", "０１２３４５６７８９")), "98051140000"]
)
def test_appeal_bin_must_be_empty_or_twelve_ascii_digits(bin_):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppealFactory(applicant_type="legal_entity", bin=bin_)


def test_appeal_with_ascii_or_empty_numbers_is_stored():
    assert AppealFactory(iin=IIN, bin=BIN).bin == BIN
    assert AppealFactory(iin="", bin="").iin == ""
