"""Receipts: format, entropy, keyed hash, lookup under every key."""

import math

import pytest

from hotline import receipts
from hotline.services.submission import report_find_by_receipt
from hotline.tests.factories import RECEIPT, ReportFactory


def test_format_and_entropy():
    receipt = receipts.new_receipt()
    assert len(receipt) == 20 >= 16
    assert set(receipt) <= set(receipts.ALPHABET)
    assert receipts.RECEIPT_LENGTH * math.log2(len(receipts.ALPHABET)) >= 80
    assert len({receipts.new_receipt() for _ in range(200)}) == 200
    assert receipts.format_receipt(RECEIPT) == "ABCD-2345-EFGH-6789-JKMN"


def test_derived_receipt_is_stable_and_key_dependent(settings):
    first = receipts.derive_receipt("form-key-1")
    assert first == receipts.derive_receipt("form-key-1")
    assert first != receipts.derive_receipt("form-key-2")
    assert receipts.is_well_formed(first)


def test_normalise_and_well_formed():
    assert receipts.normalise_receipt("abcd-2345 efgh-6789-jkmn") == RECEIPT
    assert receipts.is_well_formed("ＡＢＣＤ2345EFGH6789JKMN")  # full-width folded
    assert not receipts.is_well_formed(RECEIPT[:-1])
    assert not receipts.is_well_formed(RECEIPT[:-1] + "0")  # 0 is not in the alphabet


def test_hash_is_keyed_not_plain():
    stored = receipts.hash_receipt(RECEIPT)
    assert RECEIPT not in stored and len(stored) == 64


@pytest.mark.django_db
def test_lookup_finds_and_misses(django_assert_num_queries):
    report = ReportFactory(receipt=RECEIPT)
    with django_assert_num_queries(1):
        assert report_find_by_receipt(receipt=receipts.format_receipt(RECEIPT)) == report
    with django_assert_num_queries(1):
        assert report_find_by_receipt(receipt="ZZZZ2345EFGH6789JKMN") is None
    with django_assert_num_queries(1):
        assert report_find_by_receipt(receipt="short") is None


@pytest.mark.django_db
def test_lookup_after_key_rotation(settings):
    settings.PORTAL_SECRETS_KEY = "old-key-" + "x" * 40
    settings.PORTAL_SECRETS_KEY_FALLBACKS = []
    report = ReportFactory(receipt=RECEIPT)
    settings.PORTAL_SECRETS_KEY = "new-key-" + "y" * 40
    settings.PORTAL_SECRETS_KEY_FALLBACKS = ["old-key-" + "x" * 40]
    assert report_find_by_receipt(receipt=RECEIPT) == report
    settings.PORTAL_SECRETS_KEY_FALLBACKS = []
    assert report_find_by_receipt(receipt=RECEIPT) is None
