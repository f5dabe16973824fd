import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from appeals import deadlines, enums
from appeals.models import Appeal, Category
from pkop_portal import access_codes

VALID_IIN = "870101300009"
VALID_BIN = "980511400007"


def _answer_working_days(o) -> int | None:
    """As appeals.workflow.appeal_answer stores it, for an appeal made here as answered."""
    if getattr(o, "status", None) != enums.Status.ANSWERED or not getattr(o, "answered_at", None):
        return None
    return deadlines.appeal_answer_working_days(
        registration_date=o.registration_date, answered_at=o.answered_at
    )


class AppealFactory(factory.django.DjangoModelFactory):
    """An appeal as registered on the portal; its access code is `code` (default below)."""

    class Meta:
        model = Appeal

    class Params:
        code = "ABCD2345EFGH"

    year = 2026
    sequence = factory.Sequence(lambda n: 900000 + n)
    number = factory.LazyAttribute(lambda o: f"A-{o.year}-{o.sequence:06d}")
    kind = enums.Kind.STATEMENT
    category = factory.LazyFunction(lambda: Category.objects.get(slug="charity"))
    channel = enums.Channel.WEB
    language = "ru"
    applicant_type = enums.ApplicantType.INDIVIDUAL
    full_name = "Айгерим Садыкова"
    iin = VALID_IIN
    address = "Шымкент, ул. Байтурсынова, 1"
    email = "aigerim@example.kz"
    subject = "Помощь многодетной семье"
    text = "Прошу рассмотреть возможность оказания помощи."
    received_at = factory.LazyFunction(timezone.now)
    registration_date = factory.LazyFunction(lambda: timezone.localdate())
    due_date = factory.LazyFunction(lambda: timezone.localdate())
    statutory_due_date = factory.LazyAttribute(lambda o: o.due_date)
    redirect_due_date = factory.LazyAttribute(lambda o: o.registration_date)
    access_code_hash = factory.LazyAttribute(
        lambda o: access_codes.hash_access_code(number=o.number, code=o.code)
    )
    answer_working_days = factory.LazyAttribute(_answer_working_days)


def staff_user(
    username: str, group: str, email: str = "", *, first: str = "", last: str = ""
) -> User:
    """An active staff member of one group, fresh from the database (empty permission cache);
    named `first` `last` (by default the username as first name)."""
    user = User.objects.create_user(
        username, email=email, is_staff=True, first_name=first or username.title(), last_name=last
    )
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)
