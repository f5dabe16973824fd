"""Factories of the charity tests: rows as the services would leave them."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from charity import enums
from charity.models import (
    AidItem,
    BudgetLine,
    CharityRequest,
    CommitteeDecision,
    CommitteeMeeting,
    HouseholdMember,
    Programme,
    SocialProject,
)
from pkop_portal import access_codes

VALID_IIN = "870101300009"
# Valid IINs of household members (check digit correct).
CHILD_IIN = "150315500005"
SPOUSE_IIN = "880202400016"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    year = 2026
    title_kk = factory.LazyAttribute(lambda o: f"Мұқтаж отбасыларға көмек {o.year}")
    title_ru = factory.LazyAttribute(lambda o: f"Помощь нуждающимся семьям {o.year}")
    title_en = factory.LazyAttribute(lambda o: f"Assistance to needy families {o.year}")
    title_zh_hans = factory.LazyAttribute(lambda o: f"{o.year}年困难家庭援助")
    starts_on = factory.LazyAttribute(lambda o: date(o.year, 1, 1))
    ends_on = factory.LazyAttribute(lambda o: date(o.year, 12, 31))


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine
        django_get_or_create = ("programme", "aid_kind")

    programme = factory.SubFactory(ProgrammeFactory)
    aid_kind = enums.AidKind.MONEY
    amount = Decimal("1000000.00")


class CharityRequestFactory(factory.django.DjangoModelFactory):
    """A request as submitted on the portal; its access code is `code` (default below)."""

    class Meta:
        model = CharityRequest

    class Params:
        code = "ABCD2345EFGH"

    year = 2026
    sequence = factory.Sequence(lambda n: 900000 + n)
    number = factory.LazyAttribute(lambda o: f"C-{o.year}-{o.sequence:06d}")
    status = enums.Status.SUBMITTED
    channel = enums.Channel.WEB
    language = "ru"
    full_name = "Айгерим Садыкова"
    iin = VALID_IIN
    phone = "+77011234567"
    email = "aigerim@example.kz"
    district = enums.District.ABAY
    address = "Шымкент, ул. Байтурсынова, 1"
    category = enums.Category.LARGE_FAMILY
    monthly_income = Decimal("180000.00")
    aid_kind = enums.AidKind.MONEY
    amount_requested = Decimal("150000.00")
    aid_description = "Зимняя одежда и обувь для пятерых детей."
    received_at = factory.LazyFunction(timezone.now)
    registration_date = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyFunction(timezone.localdate)
    statutory_due_date = factory.LazyAttribute(lambda o: o.due_date)
    access_code_hash = factory.LazyAttribute(
        lambda o: access_codes.hash_access_code(number=o.number, code=o.code)
    )


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    request = factory.SubFactory(CharityRequestFactory)
    relation = enums.Relation.CHILD
    full_name = "Алихан Садыков"
    birth_date = date(2015, 3, 15)
    iin = CHILD_IIN
    status = enums.MemberStatus.STUDIES


class CommitteeMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMeeting
        skip_postgeneration_save = True

    held_on = factory.LazyFunction(timezone.localdate)
    place = "Шымкент, ул. Капал батыра, 1"
    language = "ru"

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class CommitteeDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeDecision

    meeting = factory.SubFactory(CommitteeMeetingFactory)
    request = factory.SubFactory(CharityRequestFactory, status=enums.Status.AT_COMMITTEE)
    outcome = enums.Outcome.APPROVED
    reasons = "Многодетная семья, доход ниже прожиточного минимума."


class AidItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AidItem

    decision = factory.SubFactory(CommitteeDecisionFactory)
    budget_line = factory.SubFactory(BudgetLineFactory)
    description = "Материальная помощь"
    amount = Decimal("100000.00")


class SocialProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialProject

    title_kk = "Балалар ойын алаңы"
    title_ru = "Детская игровая площадка"
    title_en = "Children's playground"
    title_zh_hans = "儿童游乐场"
    description_kk = "Абай ауданындағы аулада жаңа ойын алаңы."
    description_ru = "Новая игровая площадка во дворе в Абайском районе."
    description_en = "A new playground in a courtyard of Abay district."
    description_zh_hans = "阿拜区院内的新游乐场。"
    district = enums.ProjectDistrict.ABAY
    year = 2026
    status = enums.ProjectStatus.COMPLETED
    budget = Decimal("25000000.00")
    spent = Decimal("24100000.00")


# --- the application form and its service (charity.services.submission) ---------------------
# Appended for the public-form tests: real small files, a filled-in form, a RequestInput.

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
# An HTML page renamed .pdf: refused by content whatever its name and declared type.
FORGED_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def upload(name: str = "scan.pdf", content: bytes = PDF_BYTES, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def application_data(**overrides) -> dict:
    """The application form as a large family fills it in (both required documents attached,
    two household members); `overrides` replace fields, None drops one."""
    from pkop_portal.consent import consent_text_current
    from pkop_portal.forms import new_form_key

    data = {
        "full_name": "Айгерим Садыкова",
        "iin": VALID_IIN,
        "phone": "+7 701 123 45 67",
        "email": "aigerim@example.kz",
        "preferred_contact": "sms",
        "district": enums.District.ABAY,
        "address": "Шымкент, ул. Байтурсынова, 1",
        "category": enums.Category.LARGE_FAMILY,
        "monthly_income": "180 000",
        "aid_kind": enums.AidKind.MONEY,
        "amount_requested": "150000",
        "aid_description": "Зимняя одежда и обувь для пятерых детей.",
        "doc_id_card": upload("удостоверение.pdf"),
        "doc_household_composition": upload("состав семьи.png", PNG_BYTES, "image/png"),
        "doc_large_family_status": upload("многодетная.pdf"),
        "doc_income": upload("доходы.pdf"),
        "consent": "on",
        "consent_version": consent_text_current(purpose="charity").version,
        "website": "",
        "form_key": new_form_key(),
        "members-TOTAL_FORMS": "6",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "20",
        "members-0-relation": enums.Relation.SPOUSE,
        "members-0-full_name": "Ерлан Садыков",
        "members-0-birth_date": "1988-02-02",
        "members-0-iin": SPOUSE_IIN,
        "members-0-status": enums.MemberStatus.WORKS,
        "members-1-relation": enums.Relation.CHILD,
        "members-1-full_name": "Алихан Садыков",
        "members-1-birth_date": "15.03.2015",
        "members-1-iin": "",
        "members-1-status": enums.MemberStatus.STUDIES,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def request_input(**overrides):
    """A RequestInput as the form gives it (no documents unless given)."""
    from charity.services.submission import MemberInput, RequestInput

    values = {
        "language": "ru",
        "full_name": "Айгерим Садыкова",
        "iin": VALID_IIN,
        "phone": "+77011234567",
        "email": "aigerim@example.kz",
        "preferred_contact": "sms",
        "district": enums.District.ABAY,
        "address": "Шымкент, ул. Байтурсынова, 1",
        "category": enums.Category.LARGE_FAMILY,
        "monthly_income": Decimal("180000"),
        "aid_kind": enums.AidKind.MONEY,
        "amount_requested": Decimal("150000"),
        "aid_description": "Зимняя одежда и обувь для пятерых детей.",
        "members": [
            MemberInput(
                relation=enums.Relation.CHILD,
                full_name="Алихан Садыков",
                birth_date=date(2015, 3, 15),
                iin=CHILD_IIN,
                status=enums.MemberStatus.STUDIES,
            )
        ],
    }
    values.update(overrides)
    return RequestInput(**values)
