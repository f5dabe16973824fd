"""Factories of the hotline tests: rows as the services would leave them."""

from datetime import timedelta

import factory
from django.utils import timezone

from hotline import enums, receipts
from hotline.models import Report, ReportEvent, ReportMessage

RECEIPT = "ABCD2345EFGH6789JKMN"


class ReportFactory(factory.django.DjangoModelFactory):
    """A report as submitted on the portal; its receipt is `receipt` (default above)."""

    class Meta:
        model = Report

    class Params:
        receipt = factory.Sequence(lambda n: f"{RECEIPT[:12]}{n:08d}".translate(_DIGITS))

    year = 2026
    sequence = factory.Sequence(lambda n: 900000 + n)
    number = factory.LazyAttribute(lambda o: f"H-{o.year}-{o.sequence:06d}")
    status = enums.Status.RECEIVED
    language = "ru"
    reporter_type = enums.ReporterType.EMPLOYEE
    category = enums.Category.CORRUPTION
    description = "Начальник участка требует деньги за допуск подрядчика к работам."
    occurred = "Март 2026"
    location = "Шымкент, участок №3"
    people_involved = "Начальник участка"
    is_ongoing = True
    received_at = factory.LazyFunction(timezone.now)
    acknowledge_due = factory.LazyAttribute(
        lambda o: timezone.localdate(o.received_at) + timedelta(days=7)
    )
    receipt_hash = factory.LazyAttribute(lambda o: receipts.hash_receipt(o.receipt))


# Digits 0 and 1 are not in the receipt alphabet: map the sequence digits onto letters.
_DIGITS = str.maketrans("0123456789", "ABCDEFGHJK")


class ReportMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportMessage

    report = factory.SubFactory(ReportFactory)
    by = None
    text = "Есть ли у вас документы, подтверждающие передачу денег?"


class ReportEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportEvent

    report = factory.SubFactory(ReportFactory)
    kind = ReportEvent.Kind.RECEIVED
