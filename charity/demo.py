"""Demo data of the charity app for `make run`: this year's programme with a budget line per
kind of aid, requests in every status (with household members, history, committee meetings,
decisions, aid items and disbursements with signed acts) and two social projects with photos.

The rows are written as the workflow services would leave them (one transaction, BudgetLine
reserved/disbursed computed from the aid items at the end), without notifying the fictional
applicants. Names, addresses and phone numbers are invented; IINs are made up with a valid
check digit. Eleven families were helped this year (6 + 3 + 2 in each table), so the public
report of the current year shows one row of each table and hides two (see charity.reports).
"""

import struct
import uuid
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from charity import enums
from charity.models import (
    AidItem,
    BudgetLine,
    CharityRequest,
    CommitteeDecision,
    CommitteeMeeting,
    ConflictDeclaration,
    Disbursement,
    DocumentType,
    HouseholdMember,
    Programme,
    RequestDocument,
    RequestEvent,
    RequestMessage,
    SocialProject,
    SocialProjectPhoto,
)
from pkop_portal import access_codes, workdays
from pkop_portal.consent import consent_text_current
from pkop_portal.models import ConsentText
from pkop_portal.sequences import take_number
from pkop_portal.validators import iin_birth_date, kz_check_digit

S = enums.Status
K = RequestEvent.Kind
A = enums.AidKind
C = enums.Category
D = enums.District
R = enums.Relation
M = enums.MemberStatus

BUDGET = {
    A.MONEY: Decimal("30000000"),
    A.GOODS: Decimal("10000000"),
    A.MEDICAL: Decimal("15000000"),
    A.EDUCATION: Decimal("6000000"),
    A.HOUSING_REPAIR: Decimal("12000000"),
    A.OTHER: Decimal("3000000"),
}

# (username, first name, last name, group)
STAFF = {
    "officer": ("demo.charity.officer", "Динара", "Есимова", "Charity officer"),
    "chair": ("demo.charity.chair", "Гульнар", "Токтарова", "Charity committee"),
    "member": ("demo.charity.member", "Бауыржан", "Омаров", "Charity committee"),
    "secretary": ("demo.charity.secretary", "Елена", "Ким", "Charity committee"),
}


@dataclass(frozen=True)
class Sample:
    state: str  # a Status value
    days: int  # received this many days ago
    language: str
    name: str
    female: bool
    born: date
    district: str
    category: str
    aid_kind: str
    income: int
    asked: int | None
    description: str
    members: tuple = ()  # (relation, name, born, status, has_iin)
    granted: tuple = ()  # (aid kind, description, quantity, unit, amount)


CHILDREN = [
    "Алихан",
    "Амина",
    "Нурислам",
    "Айлин",
    "Санжар",
    "Мирас",
    "Томирис",
    "Арсен",
    "Дана",
    "Ильяс",
    "Камила",
    "Ерасыл",
]


def _helped(index, name, female, born, district, category, kind, granted_amount, language):
    descriptions = {
        A.MONEY: ("Материальная помощь на зимнюю одежду и обувь детям", "Материальная помощь"),
        A.GOODS: ("Продуктовые наборы и бытовая химия на зиму", "Продуктовый набор на зиму"),
        A.MEDICAL: ("Оплата курса лечения в клинике", "Курс лечения"),
    }
    asked, item = descriptions[kind]
    surname = name.split()[-1]
    state = S.CLOSED if index % 4 == 0 else S.DISBURSED
    unit, quantity = ("набор", 3) if kind == A.GOODS else ("", 1)
    return Sample(
        state=state,
        days=58 - index,
        language=language,
        name=name,
        female=female,
        born=born,
        district=district,
        category=category,
        aid_kind=kind,
        income=120000 + index * 5000,
        asked=granted_amount,
        description=asked,
        members=(
            (
                R.CHILD,
                f"{CHILDREN[index]} {surname}",
                date(2014 + index % 6, 5, 10),
                M.STUDIES,
                True,
            ),
            (
                R.CHILD,
                f"{CHILDREN[-1 - index]} {surname}",
                date(2019, 9, 1 + index),
                M.CHILD,
                False,
            ),
        ),
        granted=((kind, item, quantity, unit, granted_amount),),
    )


SAMPLES = [
    Sample(
        S.SUBMITTED,
        1,
        "kk",
        "Айдана Серікова",
        True,
        date(1990, 4, 12),
        D.KARATAU,
        C.DISABILITY,
        A.MONEY,
        140000,
        250000,
        "Мүгедек балаға арба сатып алуға көмек сұраймын.",
        ((R.CHILD, "Нұрлан Серіков", date(2016, 2, 3), M.DISABILITY, True),),
    ),
    Sample(
        S.DOCUMENTS_INCOMPLETE,
        6,
        "ru",
        "Гульмира Абдрахманова",
        True,
        date(1986, 7, 21),
        D.ENBEKSHI,
        C.LARGE_FAMILY,
        A.GOODS,
        210000,
        None,
        "Прошу помочь школьной формой и канцелярией для пятерых детей.",
        (
            (R.SPOUSE, "Ерлан Абдрахманов", date(1984, 1, 9), M.WORKS, True),
            (R.CHILD, "Айя Абдрахманова", date(2012, 3, 15), M.STUDIES, True),
            (R.CHILD, "Алим Абдрахманов", date(2014, 6, 2), M.STUDIES, False),
        ),
    ),
    Sample(
        S.UNDER_REVIEW,
        8,
        "en",
        "Timur Bekov",
        False,
        date(1979, 11, 30),
        D.TURAN,
        C.SERIOUS_ILLNESS,
        A.MEDICAL,
        160000,
        900000,
        "My wife needs heart surgery; we ask for help with the cost of the operation.",
        ((R.SPOUSE, "Saule Bekova", date(1981, 8, 14), M.UNEMPLOYED, True),),
    ),
    Sample(
        S.AT_COMMITTEE,
        10,
        "zh-hans",
        "Ли Мэй",
        True,
        date(1983, 2, 5),
        D.AL_FARABI,
        C.ORPHANS,
        A.EDUCATION,
        110000,
        300000,
        "我抚养两个已故姐姐的孩子，请求资助他们的学费。",
        (
            (R.WARD, "Ли Вэй", date(2010, 10, 1), M.STUDIES, True),
            (R.WARD, "Ли На", date(2013, 12, 12), M.STUDIES, True),
        ),
    ),
    Sample(
        S.APPROVED,
        24,
        "ru",
        "Сергей Волков",
        False,
        date(1975, 6, 18),
        D.KARATAU,
        C.LOST_HOUSING,
        A.HOUSING_REPAIR,
        95000,
        700000,
        "Дом пострадал при пожаре, прошу помочь с ремонтом кровли и вещами первой необходимости.",
        ((R.SPOUSE, "Ирина Волкова", date(1977, 9, 3), M.WORKS, True),),
        (
            (A.HOUSING_REPAIR, "Ремонт кровли после пожара", 1, "", 600000),
            (A.GOODS, "Постельные принадлежности и посуда", 1, "комплект", 90000),
        ),
    ),
    Sample(
        S.PARTLY_APPROVED,
        23,
        "kk",
        "Мадина Жұмабаева",
        True,
        date(1992, 12, 1),
        D.ENBEKSHI,
        C.LOW_INCOME,
        A.MONEY,
        80000,
        400000,
        "Пәтер ақысы мен коммуналдық қарызды өтеуге көмек сұраймын.",
        ((R.CHILD, "Әлихан Жұмабаев", date(2018, 4, 20), M.CHILD, True),),
        ((A.MONEY, "Коммуналдық қарызды өтеу", 1, "", 200000),),
    ),
    Sample(
        S.REJECTED,
        22,
        "ru",
        "Олжас Карибаев",
        False,
        date(1988, 3, 3),
        D.ABAY,
        C.OTHER,
        A.MONEY,
        450000,
        1500000,
        "Прошу помочь с покупкой автомобиля для работы.",
    ),
    Sample(
        S.WITHDRAWN,
        15,
        "kk",
        "Күләш Нұрмаханова",
        True,
        date(1948, 1, 25),
        D.KARATAU,
        C.PENSIONERS,
        A.HOUSING_REPAIR,
        85000,
        350000,
        "Үйдің пешін жөндеуге көмек сұраймын.",
    ),
    # Helped this year: Abay / large family / money (6), Al-Farabi / low income / goods (3),
    # Turan / pensioners / medicine (2).
    *(
        _helped(i, name, female, born, D.ABAY, C.LARGE_FAMILY, A.MONEY, amount, language)
        for i, (name, female, born, amount, language) in enumerate(
            [
                ("Асель Турсынова", True, date(1985, 5, 5), 150000, "ru"),
                ("Бахыт Ермеков", False, date(1980, 8, 17), 200000, "kk"),
                ("Жанар Омарова", True, date(1987, 2, 28), 120000, "kk"),
                ("Руслан Ахметов", False, date(1983, 10, 10), 180000, "ru"),
                ("Салтанат Мусина", True, date(1989, 1, 19), 150000, "kk"),
                ("Ainur Kassymova", True, date(1991, 7, 7), 250000, "en"),
            ]
        )
    ),
    *(
        _helped(i + 6, name, female, born, D.AL_FARABI, C.LOW_INCOME, A.GOODS, amount, "ru")
        for i, (name, female, born, amount) in enumerate(
            [
                ("Наталья Ли", True, date(1982, 4, 4), 85000),
                ("Ерболат Сапаров", False, date(1979, 9, 9), 95000),
                ("Динара Касымова", True, date(1990, 11, 11), 70000),
            ]
        )
    ),
    *(
        _helped(i + 9, name, female, born, D.TURAN, C.PENSIONERS, A.MEDICAL, amount, "kk")
        for i, (name, female, born, amount) in enumerate(
            [
                ("Зейнеп Оспанова", True, date(1946, 3, 8), 320000),
                ("Абдулла Рахимов", False, date(1944, 12, 24), 450000),
            ]
        )
    ),
]

DECIDED = {S.APPROVED, S.PARTLY_APPROVED, S.REJECTED, S.DISBURSED, S.CLOSED}
SENT_TO_COMMITTEE = DECIDED | {S.AT_COMMITTEE}
SUPPLIER = "ТОО «Клиника Шипагер», г. Шымкент"


# --- Files made in code ---------------------------------------------------------------------


def demo_pdf(text: str) -> bytes:
    """A one-page PDF with one line of ASCII text (a valid file: header, objects, xref)."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"\\\\")
    safe = safe.replace(b"(", b"\\(").replace(b")", b"\\)")
    content = b"BT /F1 14 Tf 72 770 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + tag
        + data
        + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    )


def demo_png(*, ground: tuple, shapes: list, width: int = 240, height: int = 150) -> bytes:
    """A small RGB PNG: sky over `ground`, with `shapes` = [(x0, y0, x1, y1, colour)]."""
    sky = (150, 200, 240)
    horizon = height * 3 // 5
    rows = []
    for y in range(height):
        line = [sky if y < horizon else ground] * width
        for x0, y0, x1, y1, colour in shapes:
            if y0 <= y < y1:
                line[x0:x1] = [colour] * (x1 - x0)
        rows.append(b"\x00" + b"".join(bytes(pixel) for pixel in line))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def demo_iin(born: date, *, female: bool, serial: int) -> str:
    """A made-up IIN of someone born on `born`, with a correct check digit."""
    digit = (3 if born.year < 2000 else 5) + (1 if female else 0)
    for candidate in range(serial, serial + 50):
        first = f"{born:%y%m%d}{digit}{candidate % 10000:04d}"
        check = kz_check_digit(first)
        if check is not None:
            return f"{first}{check}"
    raise ValueError("no IIN with a check digit")  # pragma: no cover (never 50 in a row)


def demo_iban(serial: int) -> str:
    """A made-up Kazakhstan IBAN (bank code 125, KZT) with correct check digits (mod 97)."""
    bban = f"125KZT{serial:010d}"
    digits = "".join(str(int(c, 36)) for c in f"{bban}KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


# --- Loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoResult:
    requests: int
    projects: int


@transaction.atomic
def charity_demo_load() -> DemoResult:
    """Create the demo programme and requests once (none if any request exists) and the demo
    social projects once (none if any project exists); returns how many of each were created."""
    requests = 0 if CharityRequest.objects.exists() else _load_requests()
    projects = 0 if SocialProject.objects.exists() else _load_projects()
    return DemoResult(requests=requests, projects=projects)


def _staff() -> dict:
    user_model = get_user_model()
    users = {}
    for role, (username, first, last, group) in STAFF.items():
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=group))
        elif not user.get_full_name().strip():  # made by an earlier demo without names
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        users[role] = user
    return users


def _programme(year: int) -> Programme:
    programme, _ = Programme.objects.get_or_create(
        year=year,
        title_en=f"Assistance to needy families {year}",
        defaults={
            "title_kk": f"Мұқтаж отбасыларға көмек {year}",
            "title_ru": f"Помощь нуждающимся семьям {year}",
            "title_zh_hans": f"{year}年困难家庭援助",
            "starts_on": date(year, 1, 1),
            "ends_on": date(year, 12, 31),
        },
    )
    for kind, amount in BUDGET.items():
        BudgetLine.objects.get_or_create(
            programme=programme, aid_kind=kind, defaults={"amount": amount}
        )
    return programme


class _Clock:
    """Local times of the demo story, never after now."""

    def __init__(self):
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.year_start = date(self.today.year, 1, 1)

    def at(self, day: date, hour: int = 10, minute: int = 30) -> datetime:
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        return min(moment, self.now)

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)


def _event(request, kind, at, by=None, **fields) -> None:
    event = RequestEvent.objects.create(request=request, kind=kind, by=by, **fields)
    RequestEvent.objects.filter(pk=event.pk).update(at=at)


def _store(instance, field: str, name: str, content: bytes, content_type: str) -> None:
    """Fill the StoredFile columns and save the file under a random name, as uploads are."""
    extension = {"application/pdf": ".pdf", "image/png": ".png"}[content_type]
    instance.stored_name = f"{uuid.uuid4().hex}{extension}"
    instance.original_name = name
    instance.content_type = content_type
    instance.size = len(content)
    getattr(instance, field).save(instance.stored_name, ContentFile(content), save=False)
    instance.save()


def _load_requests() -> int:
    clock = _Clock()
    staff = _staff()
    officer, chair = staff["officer"], staff["chair"]
    committee = [chair, staff["member"], staff["secretary"]]
    programme = _programme(clock.today.year)
    lines = {line.aid_kind: line for line in programme.lines.all()}
    consent = consent_text_current(purpose=ConsentText.Purpose.CHARITY)
    documents = {d.slug: d for d in DocumentType.objects.all()}

    # The held meeting (minutes approved) decided the requests helped since; the second was held
    # last week (decisions approved, minutes not yet); the third is planned.
    meetings = {
        "past": _meeting(clock.days_ago(42), chair, committee, enums.MeetingStatus.APPROVED, clock),
        "recent": _meeting(clock.days_ago(8), chair, committee, enums.MeetingStatus.HELD, clock),
        "planned": _meeting(
            workdays.add_working_days(clock.today, 5),
            chair,
            committee,
            enums.MeetingStatus.PLANNED,
            clock,
        ),
    }
    created = []
    for index, sample in enumerate(SAMPLES):
        created.append(_request(index, sample, clock, programme, consent, officer, documents))
    _flag_double_help(created)
    for index, (sample, request) in enumerate(zip(SAMPLES, created, strict=True)):
        if sample.state == S.AT_COMMITTEE:
            meetings["planned"].requests.add(request)
        elif sample.state in DECIDED:
            key = "past" if sample.state in (S.DISBURSED, S.CLOSED) else "recent"
            _decide(index, sample, request, meetings[key], committee, staff, lines, clock)
    _book_budget(programme)
    return len(created)


def _flag_double_help(created: list) -> None:
    """A woman whose family was helped this year now lives with her brother, whose request is
    under review: it carries the double-help flag, as charity.selectors.request_overlaps would
    set it, for the committee to weigh."""
    by_state = {request.status: request for request in created}
    helped = next(
        r for r in created if r.status in enums.AIDED_STATUSES and r.category == C.LOW_INCOME
    )
    request = by_state[S.UNDER_REVIEW]
    HouseholdMember.objects.create(
        request=request,
        relation=R.SIBLING,
        full_name=helped.full_name,
        birth_date=iin_birth_date(helped.iin),
        iin=helped.iin,
        status=M.UNEMPLOYED,
        position=request.members.count(),
    )
    request.flag_recent_aid = True
    request.household_size = request.members.count() + 1
    request.income_per_member = (request.monthly_income / request.household_size).quantize(
        Decimal("0.01")
    )
    request.earlier_aid_note = f"Сестра заявителя получила помощь в этом году ({helped.number})."
    request.save(
        update_fields=["flag_recent_aid", "household_size", "income_per_member", "earlier_aid_note"]
    )
    _event(
        request,
        K.FLAGS_CHECKED,
        request.received_at,
        note=f"{helped.number}: aid in the last 12 months",
    )


def _meeting(held_on, chair, members, status, clock) -> CommitteeMeeting:
    meeting = CommitteeMeeting.objects.create(
        held_on=held_on,
        place="Шымкент, административное здание ТОО «ПКОП», зал заседаний",
        language="ru",
        chair=chair,
        status=status,
        minutes_approved_at=(
            clock.at(held_on + timedelta(days=1), 12)
            if status == enums.MeetingStatus.APPROVED
            else None
        ),
    )
    meeting.members.set(members)
    return meeting


def _request(index, sample, clock, programme, consent, officer, documents):
    received_at = clock.at(clock.days_ago(sample.days), 10 + index % 6, 5 * index % 60)
    registered, due = workdays.registration_and_due_dates(
        received_at, programme.answer_working_days
    )
    sequence, number = take_number(prefix="C", year=registered.year)
    paper = sample.state == S.REJECTED
    iin = demo_iin(sample.born, female=sample.female, serial=100 + index)
    request = CharityRequest.objects.create(
        number=number,
        year=registered.year,
        sequence=sequence,
        status=sample.state,
        channel=enums.Channel.PAPER if paper else enums.Channel.WEB,
        language=sample.language,
        full_name=sample.name,
        iin=iin,
        phone=f"+7701555{index:04d}",
        email="" if paper else f"family{index + 1}@example.kz",
        preferred_contact="sms" if paper else "email",
        district=sample.district,
        address=f"Шымкент, мкр. Демо, ул. Примерная, {index + 1}",
        category=sample.category,
        monthly_income=Decimal(sample.income),
        aid_kind=sample.aid_kind,
        amount_requested=Decimal(sample.asked) if sample.asked else None,
        aid_description=sample.description,
        programme=programme,
        received_at=received_at,
        registration_date=registered,
        due_date=due,
        statutory_due_date=due,
        registered_by=officer if paper else None,
        access_code_hash=access_codes.hash_access_code(
            number=number, code=access_codes.new_access_code()
        ),
        officer=officer if sample.state != S.SUBMITTED else None,
        consent=consent,
        consent_at=received_at if consent else None,
        consent_ip=None if paper else "127.0.0.1",
        flags_checked_at=received_at,
    )
    for position, (relation, name, born, status, has_iin) in enumerate(sample.members):
        HouseholdMember.objects.create(
            request=request,
            relation=relation,
            full_name=name,
            birth_date=born,
            iin=demo_iin(born, female=position % 2 == 1, serial=500 + index * 10 + position)
            if has_iin
            else "",
            status=status,
            position=position,
        )
    _event(request, K.SUBMITTED, received_at, by=request.registered_by)
    _history(sample, request, received_at, clock, officer, documents)
    return request


def _history(sample, request, received_at, clock, officer, documents) -> None:
    """Documents, messages, assessment and the history rows of the steps before the committee."""
    if sample.state == S.SUBMITTED:
        return
    _event(
        request,
        K.ASSIGNED,
        received_at + timedelta(hours=2),
        by=officer,
        field="officer",  # as charity.services.workflow.request_assign writes it
        new_value=officer.get_username(),
    )
    sent = ["id_card", "household_composition"]
    if sample.state == S.UNDER_REVIEW:
        sent.append("medical")
    for slug in sent:
        document = RequestDocument(request=request, document_type=documents.get(slug))
        _store(
            document,
            "file",
            f"{slug}.pdf",
            demo_pdf(f"{slug} {request.number} (demo)"),
            "application/pdf",
        )
    if sample.state == S.DOCUMENTS_INCOMPLETE:
        missing = [documents[s] for s in ("large_family_status", "income") if s in documents]
        request.missing_documents.set(missing)
        request.missing_note = (
            "Пришлите, пожалуйста, удостоверение многодетной семьи и справки о доходах."
        )
        request.save(update_fields=["missing_note"])
        asked_at = received_at + timedelta(days=1)
        _event(request, K.DOCUMENTS_REQUESTED, asked_at, by=officer, note=request.missing_note)
        message = RequestMessage.objects.create(
            request=request, by=officer, text=request.missing_note
        )
        RequestMessage.objects.filter(pk=message.pk).update(created_at=clock.at(asked_at.date()))
        return
    _event(request, K.REVIEW_STARTED, received_at + timedelta(days=1), by=officer)
    if sample.state == S.WITHDRAWN:
        request.withdrawn_at = clock.at(clock.days_ago(5), 15)
        request.save(update_fields=["withdrawn_at"])
        _event(request, K.WITHDRAWN, request.withdrawn_at, note="Вопрос решён самостоятельно.")
        return
    size = len(sample.members) + 1
    request.household_size = size
    request.income_per_member = (Decimal(sample.income) / size).quantize(Decimal("0.01"))
    request.earlier_aid_note = "Ранее помощь от ТОО «ПКОП» не получали."
    request.home_visit_note = "Посещение на дому: условия проживания подтверждены."
    request.assessment = "Семья нуждается в помощи; документы в порядке."
    request.assessed_by = officer
    request.assessed_at = received_at + timedelta(days=3)
    request.save()
    _event(request, K.ASSESSED, request.assessed_at, by=officer)
    if sample.state not in SENT_TO_COMMITTEE:
        return
    _event(request, K.SENT_TO_COMMITTEE, received_at + timedelta(days=4), by=officer)


def _decide(index, sample, request, meeting, committee, staff, lines, clock) -> None:
    """The committee's approved decision, its items, and their disbursement for aided ones."""
    meeting.requests.add(request)
    excluded = None
    # The secretary is related to one applicant: she declares it and takes no part.
    for member in committee:
        conflict = index == 8 and member == staff["secretary"]
        ConflictDeclaration.objects.create(
            meeting=meeting,
            request=request,
            member=member,
            has_conflict=conflict,
            note="Родственница заявителя." if conflict else "",
        )
        if conflict:
            excluded = member
    outcome = {
        S.PARTLY_APPROVED: enums.Outcome.PARTLY_APPROVED,
        S.REJECTED: enums.Outcome.REJECTED,
    }.get(sample.state, enums.Outcome.APPROVED)
    reasons = {
        enums.Outcome.APPROVED: "Нуждаемость подтверждена документами и посещением на дому.",
        enums.Outcome.PARTLY_APPROVED: (
            "Нуждаемость подтверждена; помощь оказана в пределах лимита программы на одну семью."
        ),
        enums.Outcome.REJECTED: (
            "Просьба не относится к целям программы: приобретение автомобиля не финансируется."
        ),
    }[outcome]
    decided_at = clock.at(meeting.held_on, 16)
    decision = CommitteeDecision.objects.create(
        meeting=meeting,
        request=request,
        outcome=outcome,
        reasons=reasons,
        recorded_by=staff["member"],
        approved_by=staff["chair"],
        approved_at=decided_at,
    )
    decision.participants.set([m for m in committee if m != excluded])
    request.decision_reasons = reasons
    request.decided_at = decided_at
    request.answered_on_time = timezone.localdate(decided_at) <= request.due_date
    request.save(update_fields=["decision_reasons", "decided_at", "answered_on_time"])
    _event(
        request,
        K.DECIDED,
        decided_at,
        by=staff["chair"],
        field="status",
        old_value=S.AT_COMMITTEE,
        new_value=sample.state if sample.state in enums.Outcome.values else outcome,
        note=reasons,
    )
    aided = sample.state in (S.DISBURSED, S.CLOSED)
    for kind, description, quantity, unit, amount in sample.granted:
        item = AidItem.objects.create(
            decision=decision,
            budget_line=lines[kind],
            description=description,
            quantity=Decimal(quantity),
            unit=unit,
            amount=Decimal(amount),
            status=enums.ItemStatus.DISBURSED if aided else enums.ItemStatus.APPROVED,
        )
        if aided:
            _disburse(index, item, request, staff, clock)
    if sample.state == S.CLOSED:
        request.closed_at = clock.at(clock.days_ago(3), 17)
        request.save(update_fields=["closed_at"])
        _event(request, K.CLOSED, request.closed_at, by=staff["officer"])


def _disburse(index, item, request, staff, clock) -> None:
    # Handed over this year (the demo's public report of the current year has figures).
    disbursed_on = max(clock.days_ago(30 - index), clock.year_start)
    method, account, supplier = {
        A.MONEY: (enums.DisbursementMethod.BANK_TRANSFER, demo_iban(index), ""),
        A.GOODS: (enums.DisbursementMethod.GOODS, "", ""),
        A.MEDICAL: (enums.DisbursementMethod.SUPPLIER, "", SUPPLIER),
    }[item.budget_line.aid_kind]
    if method == enums.DisbursementMethod.BANK_TRANSFER and index % 3 == 0:
        method, account = enums.DisbursementMethod.CASH, ""
    disbursement = Disbursement(
        item=item,
        disbursed_on=disbursed_on,
        method=method,
        amount=item.amount,
        account=account,
        supplier=supplier,
        handed_over_by=staff["officer"],
        recorded_by=staff["officer"],
    )
    _store(
        disbursement,
        "act",
        f"act-{request.number}.pdf",
        demo_pdf(f"Act of receipt {request.number}: {item.amount} KZT (demo)"),
        "application/pdf",
    )
    _event(
        request,
        K.DISBURSED,
        clock.at(disbursed_on, 11),
        by=staff["officer"],
        note=item.description,
    )


def _book_budget(programme) -> None:
    """Reserved = items approved or handed over; disbursed = items handed over (as the
    services keep them), so the database's budget checks hold."""
    for line in programme.lines.all():
        items = AidItem.objects.filter(budget_line=line)
        reserved = items.exclude(status=enums.ItemStatus.CANCELLED).aggregate(s=Sum("amount"))
        disbursed = items.filter(status=enums.ItemStatus.DISBURSED).aggregate(s=Sum("amount"))
        BudgetLine.objects.filter(pk=line.pk).update(
            reserved=reserved["s"] or Decimal("0"), disbursed=disbursed["s"] or Decimal("0")
        )


# --- Social projects ------------------------------------------------------------------------

PROJECTS = [
    {
        "title": (
            "Абай ауданындағы балалар ойын алаңы",
            "Детская игровая площадка в Абайском районе",
            "Children's playground in Abay district",
            "阿拜区儿童游乐场",
        ),
        "description": (
            "Көпқабатты үйлердің ауласында жұмсақ жабыны, әткеншектері мен спорт "
            "тренажерлары бар жаңа ойын алаңы салынды.",
            "Во дворе многоэтажных домов построена новая игровая площадка с мягким покрытием, "
            "качелями и уличными тренажёрами.",
            "A new playground with a soft surface, swings and outdoor exercise machines was "
            "built in the courtyard of apartment blocks.",
            "在多层住宅楼院内新建了一个铺有软垫、设有秋千和户外健身器材的游乐场。",
        ),
        "district": enums.ProjectDistrict.ABAY,
        "year_offset": -1,
        "status": enums.ProjectStatus.COMPLETED,
        "budget": Decimal("25000000"),
        "spent": Decimal("24100000"),
        "photos": [
            (
                (120, 170, 90),
                [(30, 50, 60, 120, (220, 60, 60)), (150, 70, 200, 110, (250, 200, 40))],
                (
                    "Әткеншектер мен сырғанақ бар ойын алаңы",
                    "Игровая площадка с качелями и горкой",
                    "Playground with swings and a slide",
                    "设有秋千和滑梯的游乐场",
                ),
            ),
            (
                (200, 90, 70),
                [(80, 60, 160, 100, (60, 120, 200))],
                (
                    "Ойын алаңының жұмсақ жабыны",
                    "Мягкое покрытие игровой площадки",
                    "The playground's soft surface",
                    "游乐场的软质地面",
                ),
            ),
        ],
    },
    {
        "title": (
            "Қаратау ауданындағы № 45 мектептің спорт алаңы",
            "Спортивная площадка школы № 45 в Каратауском районе",
            "Sports ground of school No. 45 in Karatau district",
            "卡拉套区第45号学校运动场",
        ),
        "description": (
            "Мектеп стадионын жаңарту: жасанды шөп жабынды футбол алаңы, жүгіру жолы және "
            "жарықтандыру. Жұмыс Шымкент қаласы әкімдігімен меморандум аясында жүргізілуде.",
            "Реконструкция школьного стадиона: футбольное поле с искусственным газоном, беговая "
            "дорожка и освещение. Работы ведутся в рамках меморандума с акиматом города "
            "Шымкента.",
            "Rebuilding the school stadium: a football pitch with artificial turf, a running "
            "track and lighting. The work is done under the memorandum with the Akimat of "
            "Shymkent.",
            "学校体育场改造：人造草坪足球场、跑道和照明。工程根据与奇姆肯特市政府的备忘录进行。",
        ),
        "district": enums.ProjectDistrict.KARATAU,
        "year_offset": 0,
        "status": enums.ProjectStatus.IN_PROGRESS,
        "budget": Decimal("40000000"),
        "spent": Decimal("12500000"),
        "photos": [
            (
                (60, 150, 70),
                [(20, 95, 220, 100, (250, 250, 250)), (10, 110, 230, 120, (190, 80, 60))],
                (
                    "Жасанды шөп жабынды футбол алаңы",
                    "Футбольное поле с искусственным газоном",
                    "Football pitch with artificial turf",
                    "人造草坪足球场",
                ),
            ),
        ],
    },
]


def _load_projects() -> int:
    year = timezone.localdate().year
    for position, spec in enumerate(PROJECTS):
        project = SocialProject.objects.create(
            **dict(
                zip(
                    ("title_kk", "title_ru", "title_en", "title_zh_hans"),
                    spec["title"],
                    strict=True,
                )
            ),
            **dict(
                zip(
                    ("description_kk", "description_ru", "description_en", "description_zh_hans"),
                    spec["description"],
                    strict=True,
                )
            ),
            district=spec["district"],
            year=year + spec["year_offset"],
            status=spec["status"],
            budget=spec["budget"],
            spent=spec["spent"],
            is_published=True,
            position=position,
        )
        for order, (ground, shapes, alts) in enumerate(spec["photos"]):
            photo = SocialProjectPhoto(
                project=project,
                position=order,
                **dict(zip(("alt_kk", "alt_ru", "alt_en", "alt_zh_hans"), alts, strict=True)),
            )
            _store(
                photo,
                "image",
                f"project-{position + 1}-{order + 1}.png",
                demo_png(ground=ground, shapes=shapes),
                "image/png",
            )
    return len(PROJECTS)
