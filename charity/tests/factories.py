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
