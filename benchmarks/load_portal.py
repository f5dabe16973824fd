"""Bulk-load the portal's benchmark database with 100,000 appeals (default) by COPY, in about a
minute: the scale issue 11 measures the staff admin at, side by side with django-helpdesk.

What is loaded (numbers are the defaults; seeded, so two loads with one --seed are alike):
- 25 staff executors (`exec01`…`exec25`, group Executor), a head (`head01`, group Head) and the
  staff superuser `benchadmin` (password BENCH_ADMIN_PASSWORD) for the admin benchmarks;
- ~60,000 applicants with valid IINs (checksum and birth date), E.164 phones and e-mails, a
  quarter of them writing again and again;
- 100,000 appeals over the last two years, every kind, category and channel, 65 % in Russian,
  22 % Kazakh, 10 % English, 3 % Chinese, subjects and texts in that language (a rare word of
  the text is found in some hundreds of rows, see the printed search terms), most answered, some
  open and overdue, executors, departments, deadlines from the work calendar
  (pkop_portal.workdays), numbers `A-<year>-<NNNNNN>` consecutive per registration year and the
  year's row of pkop_portal.Sequence moved past them (new submissions continue the series);
- ~2 history events per appeal, 3,000 reception bookings (5 benchmark managers, slots over the
  two years), 5,000 notifications in the outbox (mostly sent).

Raw COPY skips the forms' validation, so the rows are built in the shapes the forms store.
Columns this script does not know (added by a later migration) get the field's default; a new
required column without one stops the load with its name.

Idempotent: a marker file (BENCH_STATE_DIR, default /tmp/pkop_bench_state) records the load and
its search terms; a second run prints them and loads nothing while the marker's sample appeal is
still in the database. `--force` empties the appeal, booking and notification tables of the
benchmark database first and loads again (refused unless the database name contains "bench").

Usage: .venv/bin/python benchmarks/load_portal.py [--count 100000] [--seed 1] [--force]
Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pkop_bench).
Prints JSON: counts, seconds, and search terms (a number, an IIN, a phone, an e-mail, a Russian
and a Kazakh word with how many appeals each finds).
"""

import argparse
import csv
import io
import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/pkop_bench"
ENV_DEFAULTS = {
    "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
    "DJANGO_IGNORE_DOTENV": "true",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_LOG_LEVEL": "WARNING",
    "DATABASE_URL": DEFAULT_DB,
}
ADMIN_USERNAME = "benchadmin"
ADMIN_PASSWORD = os.environ.get("BENCH_ADMIN_PASSWORD", "BenchAdmin-2026-perf!")
BENCH_MANAGER_MARK = "Bench manager"
N = r"\N"

# ----- Vocabulary ----------------------------------------------------------------------------
# Districts of Shymkent, by language.
DISTRICTS = {
    "ru": ["Нурсат", "Самал", "Туран", "Кайтпас", "Северо-Запад", "Казыгурт", "Тассай", "Бозарык"],
    "kk": [
        "Нұрсат",
        "Самал",
        "Тұран",
        "Қайтпас",
        "Солтүстік-Батыс",
        "Қазығұрт",
        "Тассай",
        "Бозарық",
    ],
    "en": ["Nursat", "Samal", "Turan", "Kaitpas", "North-West", "Kazygurt", "Tassai", "Bozaryk"],
    "zh-hans": [
        "努尔萨特",
        "萨马尔",
        "图兰",
        "凯特帕斯",
        "西北区",
        "卡兹古尔特",
        "塔赛",
        "博扎雷克",
    ],
}
SUBJECTS = {
    "ru": {
        "charity": [
            "Просьба о помощи многодетной семье",
            "Помощь в оплате лечения ребёнка",
            "Материальная помощь пенсионеру из мкр. {d}",
            "Зимняя одежда для детей",
            "Помощь школе в мкр. {d}",
            "Спонсорская помощь спортивной секции",
        ],
        "environment": [
            "Запах со стороны завода в мкр. {d}",
            "Шум от факела ночью",
            "Качество воздуха в мкр. {d}",
            "Выбросы в районе {d}",
            "Пыль от грузовиков на дороге в {d}",
            "Дым над установкой вечером",
        ],
        "employment": [
            "Трудоустройство: оператор технологической установки",
            "Вакансии для молодёжи",
            "Практика для студента колледжа",
            "Резюме на должность слесаря",
            "Вопрос о результатах собеседования",
        ],
        "procurement": [
            "Регистрация поставщика",
            "Оплата по договору поставки",
            "Запрос тендерной документации",
            "Жалоба на итоги закупки",
        ],
        "services": [
            "Вопрос о пропуске на территорию",
            "Справка с места работы",
            "Экскурсия для студентов",
            "Вопрос о поставках топлива",
        ],
        "employee_suggestion": [
            "Предложение по улучшению охраны труда",
            "Предложение по работе столовой",
            "Предложение по развозке сотрудников",
            "Предложение по обучению персонала",
        ],
        "other": [
            "Благодарность сотрудникам",
            "Ремонт дороги к посёлку {d}",
            "Вопрос о работе портала",
            "Освещение улицы в мкр. {d}",
        ],
    },
    "kk": {
        "charity": [
            "Көп балалы отбасыға көмек сұрау",
            "Баланы емдеуге көмек",
            "{d} шағын ауданындағы зейнеткерге материалдық көмек",
            "Балаларға қысқы киім",
            "{d} шағын ауданындағы мектепке көмек",
            "Спорт секциясына демеушілік",
        ],
        "environment": [
            "{d} шағын ауданында зауыттан келетін иіс",
            "Түнде алау шуы",
            "{d} шағын ауданындағы ауа сапасы",
            "{d} маңындағы шығарындылар",
            "{d} жолындағы жүк көліктерінің шаңы",
            "Кешке қондырғы үстіндегі түтін",
        ],
        "employment": [
            "Жұмысқа орналасу: технологиялық қондырғы операторы",
            "Жастарға арналған бос орындар",
            "Колледж студентіне өндірістік практика",
            "Слесарь лауазымына түйіндеме",
            "Әңгімелесу нәтижесі туралы сұрақ",
        ],
        "procurement": [
            "Жеткізушіні тіркеу",
            "Жеткізу шарты бойынша төлем",
            "Тендерлік құжаттаманы сұрау",
            "Сатып алу қорытындысына шағым",
        ],
        "services": [
            "Аумаққа кіру рұқсаты туралы сұрақ",
            "Жұмыс орнынан анықтама",
            "Студенттерге экскурсия",
            "Отын жеткізу туралы сұрақ",
        ],
        "employee_suggestion": [
            "Еңбекті қорғауды жақсарту туралы ұсыныс",
            "Асхана жұмысы бойынша ұсыныс",
            "Қызметкерлерді тасымалдау бойынша ұсыныс",
            "Персоналды оқыту бойынша ұсыныс",
        ],
        "other": [
            "Қызметкерлерге алғыс",
            "{d} кентіне баратын жолды жөндеу",
            "Портал жұмысы туралы сұрақ",
            "{d} шағын ауданындағы көше жарығы",
        ],
    },
    "en": {
        "charity": [
            "Help for a large family",
            "Help with a child's treatment costs",
            "Support for a pensioner in {d}",
            "Winter clothes for children",
        ],
        "environment": [
            "Smell from the refinery in {d}",
            "Noise from the flare at night",
            "Air quality in {d}",
            "Dust from lorries on the road to {d}",
        ],
        "employment": [
            "Job application: process unit operator",
            "Vacancies for young people",
            "Internship for a college student",
        ],
        "procurement": [
            "Supplier registration",
            "Payment under a supply contract",
            "Tender documentation request",
        ],
        "services": [
            "Visitor pass question",
            "Certificate of employment",
            "Excursion for students",
        ],
        "employee_suggestion": ["Suggestion on occupational safety", "Suggestion on the canteen"],
        "other": [
            "Thanks to the staff",
            "Road repair to the settlement {d}",
            "Street lighting in {d}",
        ],
    },
    "zh-hans": {
        "charity": ["多子女家庭求助", "儿童治疗费用援助"],
        "environment": ["{d}炼油厂气味", "夜间火炬噪音", "{d}空气质量"],
        "employment": ["求职：装置操作员", "大学生实习"],
        "procurement": ["供应商注册", "供货合同付款"],
        "services": ["入厂通行证问题", "在职证明"],
        "employee_suggestion": ["关于劳动保护的建议"],
        "other": ["感谢员工", "{d}道路维修"],
    },
}
SENTENCES = {
    "ru": [
        "Прошу рассмотреть моё обращение в установленный срок.",
        "Ситуация повторяется уже несколько недель.",
        "Ранее я обращался устно, но ответа не получил.",
        "Жители мкр. {d} также обеспокоены этим вопросом.",
        "Прошу сообщить о принятых мерах.",
        "Прилагаю описание ситуации и контактные данные.",
        "Особенно это заметно в вечернее время.",
        "Прошу принять меры и ответить письменно.",
        "Надеюсь на понимание и скорое решение вопроса.",
        "Готов предоставить дополнительные сведения по запросу.",
        "Вопрос касается нескольких семей нашей улицы.",
        "Благодарю за внимание к моему обращению.",
        "Прошу направить специалиста для проверки на месте.",
        "В прошлом году подобная проблема уже возникала.",
        "Прошу разъяснить порядок и сроки рассмотрения.",
        "Дети и пожилые люди жалуются на самочувствие.",
        "Мы живём недалеко от промышленной зоны.",
        "Прошу учесть мнение жителей при планировании работ.",
    ],
    # One sentence in a text at most, in about one text in seven: each word below is found in
    # roughly one Russian appeal in 100, several hundred of 65,000.
    "ru_rare": [
        "Чувствуется запах сероводорода, особенно после полуночи.",
        "На подоконниках оседает чёрная копоть.",
        "Ливневая канализация возле остановки засорена.",
        "Прошу установить пункт мониторинга атмосферного воздуха.",
        "У моей матери инвалидность второй группы.",
        "Мы проживаем в арендованной квартире без ремонта.",
        "Имею диплом техника-механика и опыт работы вахтовым методом.",
        "Срок оплаты по счёт-фактуре давно истёк.",
        "Прошу выделить автобус для поездки на олимпиаду.",
        "Фонари вдоль трассы не горят с осени.",
        "Вода из скважины приобрела странный привкус.",
        "Прошу оказать содействие в приобретении слухового аппарата.",
        "На территории детской площадки разлит мазут.",
        "Прошу включить мою кандидатуру в кадровый резерв.",
        "Контейнеры для мусора переполнены уже неделю.",
    ],
    "kk": [
        "Өтінішімді белгіленген мерзімде қарауыңызды сұраймын.",
        "Бұл жағдай бірнеше аптадан бері қайталануда.",
        "Бұған дейін ауызша жүгіндім, бірақ жауап алмадым.",
        "{d} шағын ауданының тұрғындары да осы мәселеге алаңдаулы.",
        "Қабылданған шаралар туралы хабарлауыңызды сұраймын.",
        "Жағдайдың сипаттамасы мен байланыс деректерін қоса беремін.",
        "Бұл әсіресе кешкі уақытта байқалады.",
        "Шара қолданып, жазбаша жауап беруіңізді сұраймын.",
        "Мәселенің тез шешілетініне үміттенемін.",
        "Сұрау бойынша қосымша мәліметтер беруге дайынмын.",
        "Мәселе біздің көшедегі бірнеше отбасына қатысты.",
        "Өтінішіме назар аударғаныңызға рахмет.",
        "Орнында тексеру үшін маман жіберуіңізді сұраймын.",
        "Өткен жылы да осындай мәселе туындаған.",
    ],
    "kk_rare": [
        "Түн ортасынан кейін күкіртсутек иісі сезіледі.",
        "Терезе алдына қара күйе қонады.",
        "Аялдама жанындағы нөсер кәрізі бітеліп қалған.",
        "Атмосфералық ауаны бақылау бекетін орнатуды сұраймын.",
        "Анамның екінші топтағы мүгедектігі бар.",
        "Біз жалға алынған пәтерде тұрамыз.",
        "Менің техник-механик дипломым және вахталық жұмыс тәжірибем бар.",
        "Шот-фактура бойынша төлем мерзімі әлдеқашан өтті.",
        "Олимпиадаға бару үшін автобус бөлуді сұраймын.",
        "Жол бойындағы шамдар күзден бері жанбайды.",
        "Ұңғымадағы судың дәмі өзгерді.",
        "Есту аппаратын сатып алуға көмектесуіңізді сұраймын.",
        "Балалар алаңына мазут төгілген.",
        "Кадр резервіне кандидатурамды енгізуді сұраймын.",
        "Қоқыс контейнерлері бір аптадан бері толып тұр.",
    ],
    "en": [
        "Please consider my appeal within the statutory period.",
        "The situation has been repeating for several weeks.",
        "I raised this orally before but received no answer.",
        "Residents of {d} are also concerned about this.",
        "Please let me know what measures have been taken.",
        "It is especially noticeable in the evening.",
        "I am ready to provide more details on request.",
        "Thank you for your attention to my appeal.",
        "Please send a specialist to check on site.",
    ],
    "en_rare": [
        "There is a smell of hydrogen sulphide after midnight.",
        "Black soot settles on the window sills.",
        "The storm drain near the bus stop is blocked.",
        "My mother has a second-group disability.",
        "The street lamps along the highway have been off since autumn.",
    ],
    "zh-hans": [
        "请在法定期限内处理我的诉求。",
        "这种情况已经持续了几个星期。",
        "{d}的居民也很担心这个问题。",
        "请告知已采取的措施。",
        "感谢您对我的诉求的关注。",
    ],
    "zh-hans_rare": ["午夜后有硫化氢气味。", "窗台上落满了黑色烟灰。"],
}
# The words printed as search terms: each in exactly one rare sentence of its language.
SEARCH_WORD = {"ru": "сероводород", "kk": "күкіртсутек", "en": "soot"}
ANSWERS = {
    "ru": [
        "Ваше обращение рассмотрено, даны разъяснения по существу вопроса.",
        "По результатам проверки превышений нормативов не выявлено.",
        "Ваша просьба удовлетворена, с вами свяжется ответственный специалист.",
        "В удовлетворении просьбы отказано: основания указаны в ответе.",
    ],
    "kk": [
        "Өтінішіңіз қаралды, мәселенің мәні бойынша түсініктеме берілді.",
        "Тексеру нәтижесінде нормативтердің асып кетуі анықталған жоқ.",
        "Өтінішіңіз қанағаттандырылды, жауапты маман сізбен хабарласады.",
    ],
    "en": [
        "Your appeal has been considered and the matter explained.",
        "The inspection found no exceedance of the limits.",
    ],
    "zh-hans": ["您的诉求已处理，并已作出说明。"],
}
DEPARTMENTS = [
    "Служба экологии",
    "Отдел кадров",
    "Служба закупок",
    "Социальный отдел",
    "Отдел по связям с общественностью",
    "Служба охраны труда",
    "Юридический отдел",
]
SIGNATORIES = [
    "Генеральный директор",
    "Заместитель генерального директора по персоналу",
    "Главный эколог",
    "Директор по связям с общественностью",
]
SURNAMES = [
    ("Ахметов", "akhmetov"),
    ("Сейтказиев", "seitkaziev"),
    ("Нурланов", "nurlanov"),
    ("Иванов", "ivanov"),
    ("Жумабеков", "zhumabekov"),
    ("Оспанов", "ospanov"),
    ("Петров", "petrov"),
    ("Касымов", "kasymov"),
    ("Абдрахманов", "abdrakhmanov"),
    ("Турсунов", "tursunov"),
    ("Бекмуратов", "bekmuratov"),
    ("Смагулов", "smagulov"),
    ("Садыков", "sadykov"),
    ("Кузнецов", "kuznetsov"),
    ("Есенов", "esenov"),
    ("Байжанов", "baizhanov"),
    ("Омаров", "omarov"),
    ("Әлиев", "aliev"),
    ("Мұхамеджанов", "mukhamedzhanov"),
    ("Тоқтаров", "toktarov"),
]
MALE = [
    ("Серик", "serik"),
    ("Нурлан", "nurlan"),
    ("Ерлан", "erlan"),
    ("Асхат", "askhat"),
    ("Данияр", "daniyar"),
    ("Бауыржан", "bauyrzhan"),
    ("Алексей", "aleksei"),
    ("Сергей", "sergei"),
    ("Ержан", "erzhan"),
    ("Марат", "marat"),
    ("Тимур", "timur"),
    ("Айдос", "aidos"),
    ("Руслан", "ruslan"),
    ("Қайрат", "kairat"),
]
FEMALE = [
    ("Айгерим", "aigerim"),
    ("Гульнара", "gulnara"),
    ("Динара", "dinara"),
    ("Асель", "asel"),
    ("Жанар", "zhanar"),
    ("Ольга", "olga"),
    ("Мария", "maria"),
    ("Айжан", "aizhan"),
    ("Сауле", "saule"),
    ("Мадина", "madina"),
    ("Әсем", "asem"),
    ("Назерке", "nazerke"),
]
ORGANISATIONS = [
    "ТОО «Шымкент Сервис Групп»",
    "ТОО «ОңтүстікМұнайЖабдық»",
    "ИП «Ержанов»",
    "ТОО «KazTransLogistic»",
    "АО «Южполимер»",
    "ТОО «Тассай Құрылыс»",
]
MAIL_DOMAINS = ["mail.kz", "gmail.com", "inbox.ru", "yandex.kz", "mail.ru", "bk.ru"]
MOBILE_CODES = ["700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"]
LANG_WEIGHTS = (("ru", 65), ("kk", 22), ("en", 10), ("zh-hans", 3))
CATEGORY_WEIGHTS = {
    "charity": 24,
    "environment": 18,
    "employment": 22,
    "procurement": 10,
    "services": 10,
    "employee_suggestion": 6,
    "other": 10,
}
CHANNEL_WEIGHTS = (
    ("web", 60),
    ("email", 10),
    ("post", 8),
    ("reception", 8),
    ("phone", 8),
    ("box", 6),
)
KIND_WEIGHTS = (
    ("statement", 45),
    ("complaint", 20),
    ("proposal", 12),
    ("information_request", 15),
    ("response", 3),
    ("report", 5),
)


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


# ----- Database helpers ----------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg2

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("select 1 from pg_database where datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'create database "{name}"')
    conn.close()


def csv_value(value):
    if value is None:
        return N
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def copy_model(cursor, model, rows: list[dict], *, now: datetime) -> int:
    """COPY `rows` (dicts by field attname) into `model`'s table. A concrete column missing from
    the dicts gets the field's default (auto_now: `now`; nullable: NULL; blank text: "")."""
    from django.db import models

    if not rows:
        return 0
    given = rows[0].keys()
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    fixed = {}
    for field in fields:
        if field.attname in given or field.primary_key:
            continue  # a primary key not given comes from its sequence
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = now
        elif field.has_default():
            fixed[field.attname] = field.get_default()
        elif field.null:
            fixed[field.attname] = None
        elif field.blank and isinstance(field, models.CharField | models.TextField):
            fixed[field.attname] = ""
        elif getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED:
            continue  # the database fills it
        else:
            raise SystemExit(
                f"{model._meta.label}.{field.name} is required and has no default: "
                "teach benchmarks/load_portal.py to fill it"
            )
    fields = [f for f in fields if f.attname in given or f.attname in fixed]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    fixed_csv = {k: csv_value(v) for k, v in fixed.items()}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    names = [f.attname for f in fields]
    for row in rows:
        writer.writerow([fixed_csv[n] if n in fixed_csv else csv_value(row[n]) for n in names])
    buffer.seek(0)
    cursor.cursor.copy_expert(
        f"COPY \"{model._meta.db_table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
        buffer,
    )
    return len(rows)


def next_id(cursor, model) -> int:
    cursor.execute(f'select coalesce(max(id), 0) + 1 from "{model._meta.db_table}"')
    return cursor.fetchone()[0]


def reset_id_sequence(cursor, model) -> None:
    table = model._meta.db_table
    cursor.execute(
        f"select setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
        f'(select coalesce(max(id), 1) from "{table}"))'
    )


# ----- People -------------------------------------------------------------------------------


def make_iin(rng) -> str:
    from pkop_portal.validators import kz_check_digit

    while True:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 55 * 365))
        male = rng.random() < 0.5
        century = ("3" if male else "4") if born.year < 2000 else ("5" if male else "6")
        first = f"{born:%y%m%d}{century}{rng.randrange(10000):04d}"
        digit = kz_check_digit(first)
        if digit is not None:
            return first + str(digit), male


def make_bin(rng) -> str:
    from pkop_portal.validators import kz_check_digit

    while True:
        first = f"{rng.randrange(0, 24):02d}{rng.randrange(1, 13):02d}4{rng.randrange(10**6):06d}"
        digit = kz_check_digit(first)
        if digit is not None:
            return first + str(digit)


def make_people(rng, count: int) -> list[dict]:
    people, seen = [], set()
    while len(people) < count:
        iin, male = make_iin(rng)
        if iin in seen:
            continue
        seen.add(iin)
        surname, surname_lat = rng.choice(SURNAMES)
        first, first_lat = rng.choice(MALE if male else FEMALE)
        if not male and surname[-2:] in ("ов", "ев", "ин"):
            surname, surname_lat = surname + "а", surname_lat + "a"
        phone = f"+7{rng.choice(MOBILE_CODES)}{rng.randrange(10**7):07d}"
        email = f"{first_lat}.{surname_lat}{rng.randrange(1, 999)}@{rng.choice(MAIL_DOMAINS)}"
        has_phone, has_email = rng.random() < 0.9, rng.random() < 0.7
        if not (has_phone or has_email):
            has_email = True
        people.append(
            {
                "iin": iin,
                "full_name": f"{surname} {first}",
                "phone": phone if has_phone else "",
                "email": email if has_email else "",
                "language": weighted(rng, LANG_WEIGHTS),
            }
        )
    return people


def pick_person(rng, people):
    # A quarter of the appeals come from people who write again and again.
    if rng.random() < 0.25:
        return people[int(rng.paretovariate(1.2) * 37) % len(people)]
    return rng.choice(people)


# ----- Text ---------------------------------------------------------------------------------


def subject_and_text(rng, language: str, category: str) -> tuple[str, str]:
    district = rng.choice(DISTRICTS[language])
    subject = rng.choice(SUBJECTS[language][category]).format(d=district)
    pool = SENTENCES[language]
    sentences = [s.format(d=district) for s in rng.sample(pool, rng.randint(2, 4))]
    if rng.random() < 0.15:
        sentences.insert(rng.randint(0, len(sentences)), rng.choice(SENTENCES[language + "_rare"]))
    separator = "" if language == "zh-hans" else " "
    return subject, separator.join([subject + ("。" if language == "zh-hans" else "."), *sentences])


def address(rng, language: str) -> str:
    if language == "kk":
        return (
            f"Шымкент қ., {rng.choice(DISTRICTS['kk'])} ш/а, {rng.randint(1, 120)} үй, "
            f"{rng.randint(1, 90)} пәтер"
        )
    return (
        f"г. Шымкент, мкр. {rng.choice(DISTRICTS['ru'])}, д. {rng.randint(1, 120)}, "
        f"кв. {rng.randint(1, 90)}"
    )


# ----- Load ---------------------------------------------------------------------------------


def state_marker(db_name: str) -> Path:
    directory = Path(os.environ.get("BENCH_STATE_DIR", "/tmp/pkop_bench_state"))
    return directory / f"portal_loaded_{db_name}.json"


def ensure_staff():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        User.objects.create_superuser(ADMIN_USERNAME, "benchadmin@example.kz", ADMIN_PASSWORD)
    else:
        admin.set_password(ADMIN_PASSWORD)
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.save()
    executors = []
    group = Group.objects.get_or_create(name="Executor")[0]
    for i in range(1, 26):
        user, created = User.objects.get_or_create(
            username=f"exec{i:02d}",
            defaults={
                "is_staff": True,
                "email": f"exec{i:02d}@pkop.example.kz",
                "first_name": rng_name(i),
                "last_name": "Bench",
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
        executors.append(user.pk)
    head, created = User.objects.get_or_create(
        username="head01", defaults={"is_staff": True, "email": "head01@pkop.example.kz"}
    )
    if created:
        head.set_unusable_password()
        head.save()
        head.groups.add(Group.objects.get_or_create(name="Head")[0])
    return executors, head.pk


def rng_name(i: int) -> str:
    return (MALE + FEMALE)[i % len(MALE + FEMALE)][0]


def registration_dates(received_at: datetime, cache: dict):
    """(registered, due in 15 working days, redirect due in 3) from the work calendar, cached
    per local day and side of the 18:00 cut-off."""
    from appeals.services import ANSWER_WORKING_DAYS, REDIRECT_WORKING_DAYS
    from pkop_portal import workdays

    local = received_at.astimezone(workdays.LOCAL_TZ)
    key = (local.date(), local.time() >= clock(18, 0))
    if key not in cache:
        cache[key] = workdays.registration_and_due_dates(
            received_at, ANSWER_WORKING_DAYS, REDIRECT_WORKING_DAYS
        )
    return cache[key]


def working_days_to_answer(registered: date, answered_at: datetime, cache: dict) -> int:
    """Appeal.answer_working_days as the workflow stores it (appeals.deadlines), cached per
    (registration date, local date of the answer)."""
    from appeals.deadlines import appeal_answer_working_days
    from pkop_portal import workdays

    key = (registered, answered_at.astimezone(workdays.LOCAL_TZ).date())
    if key not in cache:
        cache[key] = appeal_answer_working_days(
            registration_date=registered, answered_at=answered_at
        )
    return cache[key]


def received_moment(rng, now: datetime, days: int) -> datetime:
    from pkop_portal import workdays

    day = (now - timedelta(days=rng.random() * days)).astimezone(workdays.LOCAL_TZ)
    # Most arrive in working hours; a web form also in the evening and at weekends.
    hour = rng.choice([9, 10, 10, 11, 11, 12, 14, 15, 15, 16, 17, 19, 21, 22])
    moment = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    return min(moment, now - timedelta(hours=1)).astimezone(UTC)


def build_appeals(rng, args, now, people, categories, consent_id, executors, head_id, first_id):
    from pkop_portal import workdays

    today = workdays.local_now().date()
    cache = {}
    days_cache = {}
    slugs = list(CATEGORY_WEIGHTS)
    weights = [CATEGORY_WEIGHTS[s] for s in slugs]
    drafts = []
    for _ in range(args.count):
        received_at = received_moment(rng, now, args.days)
        registered, due, redirect_due = registration_dates(received_at, cache)
        drafts.append((registered, received_at))
    drafts.sort()

    appeals, events = [], []
    sequences: dict[int, int] = {}
    for index, (registered, received_at) in enumerate(drafts):
        appeal_id = first_id + index
        _, statutory_due, redirect_due = registration_dates(received_at, cache)
        person = pick_person(rng, people)
        language = person["language"]
        category = rng.choices(slugs, weights)[0]
        channel = weighted(rng, CHANNEL_WEIGHTS)
        kind = weighted(rng, KIND_WEIGHTS)
        if category == "employee_suggestion":
            applicant_type = "employee"
        else:
            applicant_type = "legal_entity" if rng.random() < 0.09 else "individual"
        anonymous = channel == "box" and rng.random() < 0.4
        subject, text = subject_and_text(rng, language, category)
        year = registered.year
        sequences[year] = sequences.get(year, 0) + 1
        # Statuses: answered appeals dominate; a few old ones are still open (overdue).
        age = (today - registered).days
        r = rng.random()
        if anonymous:
            status = "not_considered"
        elif age > 25:
            status = (
                "answered"
                if r < 0.86
                else "redirected"
                if r < 0.93
                else "not_considered"
                if r < 0.97
                else "in_work"
                if r < 0.99
                else "registered"
            )
        else:
            status = (
                "registered"
                if r < 0.3
                else "in_work"
                if r < 0.75
                else "answered"
                if r < 0.93
                else "redirected"
                if r < 0.97
                else "not_considered"
            )
        due = statutory_due
        extended_at = None
        if status in ("in_work", "answered") and rng.random() < 0.05:
            due = statutory_due + timedelta(days=30)
            extended_at = received_at + timedelta(days=rng.randint(3, 14))
        executor = rng.choice(executors) if status != "registered" and not anonymous else None
        answered_at = None
        if status in ("answered", "redirected", "not_considered"):
            spent = rng.randint(1, 3) if status == "redirected" else rng.randint(2, 24)
            answered_at = min(
                received_at + timedelta(days=spent, hours=rng.randint(0, 8)),
                now - timedelta(minutes=5),
            )
        web = channel == "web"
        registered_by = None if web else rng.choice(executors[:5])
        phone, email = ("", "") if anonymous else (person["phone"], person["email"])
        if web and not anonymous and not (phone or email):
            email = "citizen@example.kz"
        rated = status == "answered" and rng.random() < 0.15
        row = {
            "id": appeal_id,
            "consent_id": consent_id if web and not anonymous else None,
            "consent_at": received_at if web and not anonymous else None,
            "consent_ip": None,
            "number": f"A-{year}-{sequences[year]:06d}",  # renumbered below past the Sequence
            "year": year,
            "sequence": sequences[year],
            "status": status,
            "kind": kind,
            "category_id": categories[category],
            "channel": channel,
            "language": language,
            "applicant_type": applicant_type,
            "full_name": "" if anonymous else person["full_name"],
            "iin": ""
            if anonymous or applicant_type == "legal_entity" and rng.random() < 0.5
            else person["iin"],
            "organisation_name": rng.choice(ORGANISATIONS)
            if applicant_type == "legal_entity"
            else "",
            "bin": make_bin(rng) if applicant_type == "legal_entity" else "",
            "address": "" if anonymous else address(rng, language),
            "phone": phone,
            "email": email,
            "preferred_contact": (
                "email"
                if email and not phone
                else "sms"
                if phone and not email
                else rng.choice(["email", "email", "sms", "both"])
            ),
            "is_anonymous": anonymous,
            "subject": subject,
            "text": text,
            "is_collective": kind == "complaint" and rng.random() < 0.05,
            "cosigners_count": 0,
            "protocol": f"Устное обращение: {subject}."
            if channel in ("reception", "phone")
            else "",
            "received_at": received_at,
            "registration_date": registered,
            "due_date": due,
            "statutory_due_date": statutory_due,
            "redirect_due_date": redirect_due,
            "extended_at": extended_at,
            "registered_by_id": registered_by,
            "access_code_hash": secrets.token_hex(32),
            "form_key_hash": None,
            "executor_id": executor,
            "department": rng.choice(DEPARTMENTS) if executor else "",
            "outcome": (
                rng.choice(
                    [
                        "satisfied",
                        "partially_satisfied",
                        "refused",
                        "explained",
                        "explained",
                        "explained",
                    ]
                )
                if status == "answered"
                else ""
            ),
            "answer_reasoning": rng.choice(ANSWERS[language]) if status == "answered" else "",
            "answer_legal_basis": "Административный процедурно-процессуальный кодекс РК, ст. 76"
            if status == "answered"
            else "",
            "answer_signatory": rng.choice(SIGNATORIES) if status == "answered" else "",
            "answered_at": answered_at if status == "answered" else None,
            "answered_on_time": (answered_at.date() <= due) if status == "answered" else None,
            "answer_working_days": working_days_to_answer(registered, answered_at, days_cache)
            if status == "answered"
            else None,
            "redirected_to": "Управление экологии г. Шымкент" if status == "redirected" else "",
            "not_considered_reason": (
                "anonymous" if anonymous else rng.choice(["no_essence", "repeat", "withdrawn"])
            )
            if status == "not_considered"
            else "",
            "possible_crime": False,
            "possible_repeat": rng.random() < 0.03,
            "repeat_of_id": None,
            "rating_satisfied": (rng.random() < 0.7) if rated else None,
            "rating_comment": "",
            "rated_at": answered_at + timedelta(days=2) if rated else None,
            "created_at": received_at,
            "updated_at": answered_at or received_at,
        }
        if row["is_collective"]:
            row["cosigners_count"] = rng.randint(2, 40)
        appeals.append(row)
        events.append(
            {
                "appeal_id": appeal_id,
                "kind": "registered",
                "by_id": registered_by,
                "at": received_at,
                "field": "",
                "old_value": "",
                "new_value": "",
                "note": f"{registered:%Y-%m-%d} → {statutory_due:%Y-%m-%d}",
            }
        )
        if executor and rng.random() < 0.4:  # others took it themselves
            events.append(
                {
                    "appeal_id": appeal_id,
                    "kind": "assigned",
                    "by_id": head_id,
                    "at": received_at + timedelta(hours=rng.randint(2, 30)),
                    "field": "executor",
                    "old_value": "",
                    "new_value": str(executor),
                    "note": "",
                }
            )
        if extended_at:
            events.append(
                {
                    "appeal_id": appeal_id,
                    "kind": "extended",
                    "by_id": head_id,
                    "at": extended_at,
                    "field": "due_date",
                    "old_value": f"{statutory_due}",
                    "new_value": f"{due}",
                    "note": "",
                }
            )
        if answered_at:
            events.append(
                {
                    "appeal_id": appeal_id,
                    "kind": status,
                    "by_id": executor,
                    "at": answered_at,
                    "field": "status",
                    "old_value": "",
                    "new_value": status,
                    "note": "",
                }
            )
    return appeals, events


def build_bookings(rng, args, now, people, managers, head_id):
    """Slots of the benchmark managers (Tue/Thu 09:00-12:00, 20 min) over the loaded period up
    to today, and bookings on some of them; future slots come from the schedule rules."""
    from pkop_portal import workdays

    today = workdays.local_now().date()
    start = today - timedelta(days=args.days)
    from reception.models import Slot

    working = {}
    slots, slot_id = [], args.first_slot_id
    # Slots left by an earlier load (a stale marker) are reused, never copied twice.
    existing = {
        (s["manager_id"], s["starts_at"]): s
        for s in Slot.objects.filter(
            manager_id__in=[m for m, _ in managers], starts_at__lt=now
        ).values("id", "manager_id", "starts_at", "ends_at")
    }
    bookable = list(existing.values())
    for manager_id, rule_id in managers:
        day = start
        while day < today:
            if day.isoweekday() in (2, 4):
                if day not in working:
                    working[day] = workdays.is_working_day(day)
                if working[day]:
                    for minute in range(0, 180, 20):
                        starts = datetime.combine(day, clock(9, 0), tzinfo=workdays.LOCAL_TZ)
                        starts += timedelta(minutes=minute)
                        if (manager_id, starts) in existing:
                            continue
                        slot = {
                            "id": slot_id,
                            "manager_id": manager_id,
                            "rule_id": rule_id,
                            "starts_at": starts.astimezone(UTC),
                            "ends_at": (starts + timedelta(minutes=20)).astimezone(UTC),
                            "capacity": 1,
                            "is_cancelled": False,
                        }
                        slots.append(slot)
                        bookable.append(slot)
                        slot_id += 1
            day += timedelta(days=1)
    chosen = rng.sample(bookable, min(args.bookings, len(bookable)))
    bookings, events = [], []
    booking_id, numbers = args.first_booking_id, set()
    for slot in chosen:
        person = rng.choice(people)
        while True:
            number = "R-" + "".join(rng.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(8))
            if number not in numbers:
                numbers.add(number)
                break
        status = weighted(
            rng,
            (
                ("attended", 70),
                ("no_show", 10),
                ("cancelled_by_citizen", 12),
                ("cancelled_by_staff", 3),
                ("rescheduled", 5),
            ),
        )
        created = slot["starts_at"] - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 9))
        phone, email = person["phone"], person["email"]
        bookings.append(
            {
                "id": booking_id,
                "consent_id": args.reception_consent_id,
                "consent_at": created,
                "consent_ip": None,
                "number": number,
                "slot_id": slot["id"],
                "manager_id": slot["manager_id"],
                "seat": 1,
                "status": status,
                "is_active": False,
                "full_name": person["full_name"],
                "iin": person["iin"],
                "phone": phone,
                "email": email,
                "language": person["language"],
                "topic": rng.choice(
                    [
                        "Трудоустройство",
                        "Экология",
                        "Благотворительная помощь",
                        "Жеке мәселе",
                        "Вопрос о поставках",
                    ]
                ),
                "description": "",
                "token_nonce": secrets.token_hex(16),
                "token_hash": secrets.token_hex(32),
                "idempotency_key": secrets.token_urlsafe(24),
                "sequence": 0,
                "reschedule_count": 0,
                "visit_summary": "Приём состоялся, даны разъяснения."
                if status == "attended"
                else "",
                "appeal_id": None,
                "created_at": created,
                "updated_at": slot["ends_at"],
            }
        )
        events.append(
            {"booking_id": booking_id, "status": "booked", "by_id": None, "at": created, "note": ""}
        )
        events.append(
            {
                "booking_id": booking_id,
                "status": status,
                "by_id": head_id
                if status in ("attended", "no_show", "cancelled_by_staff")
                else None,
                "at": slot["ends_at"],
                "note": "",
            }
        )
        booking_id += 1
    return slots, bookings, events


def build_notifications(rng, args, now, appeals, appeal_type_id):
    rows = []
    with_email = [a for a in appeals if a["email"]]
    for appeal in rng.sample(with_email, min(args.notifications, len(with_email))):
        created = appeal["received_at"] + timedelta(seconds=1)
        r = rng.random()
        status = "sent" if r < 0.96 else "failed" if r < 0.98 else "cancelled"
        rows.append(
            {
                "channel": "email",
                "recipient_email": appeal["email"],
                "recipient_phone": "",
                "event": "appeal.registered",
                "language": appeal["language"],
                "context": {
                    "number": appeal["number"],
                    "registration_date": f"{appeal['registration_date']:%d.%m.%Y}",
                    "due_date": f"{appeal['due_date']:%d.%m.%Y}",
                    "subject": appeal["subject"],
                },
                "dedupe_key": f"appeal.registered:{appeal['id']}:email",
                "status": status,
                "attempts": 1 if status == "sent" else 8 if status == "failed" else 0,
                "next_attempt_at": created,
                "last_error": "SMTP timeout" if status == "failed" else "",
                "sent_at": created + timedelta(seconds=rng.uniform(0.3, 4))
                if status == "sent"
                else None,
                "created_at": created,
                "updated_at": created + timedelta(seconds=5),
                "content_type_id": appeal_type_id,
                "object_id": str(appeal["id"]),
            }
        )
    return rows


def ensure_managers(now):
    from pkop_portal import workdays
    from reception.models import Manager, ScheduleRule

    today = workdays.local_now().date()
    managers = []
    for i in range(1, 6):
        name = f"{BENCH_MANAGER_MARK} {i}"
        manager = Manager.objects.filter(name_en=name).first()
        if manager is None:
            manager = Manager.objects.create(
                name_kk=f"Басшы {i}",
                name_ru=f"Руководитель {i}",
                name_en=name,
                name_zh_hans=f"领导 {i}",
                position_kk="Директордың орынбасары",
                position_ru="Заместитель директора",
                position_en="Deputy director",
                position_zh_hans="副总经理",
                place_kk="Шымкент қ., Қарғалы к-сі, 100, 1-қабат",
                place_ru="г. Шымкент, ул. Каргалы, 100, 1 этаж",
                place_en="100 Kargaly St, Shymkent, ground floor",
                place_zh_hans="奇姆肯特市卡尔加雷街100号一楼",
                position=100 + i,
            )
        rule = manager.rules.first()
        if rule is None:
            rule = ScheduleRule.objects.create(
                manager=manager,
                weekdays="2,4",
                start_time=clock(9, 0),
                end_time=clock(12, 0),
                slot_minutes=20,
                capacity=1,
                valid_from=today - timedelta(days=800),
            )
        managers.append((manager.pk, rule.pk))
    return managers


def force_reset(cursor, db_name: str) -> None:
    if "bench" not in db_name:
        raise SystemExit(f"--force empties tables: refused on database {db_name!r}")
    cursor.execute(
        "TRUNCATE appeals_appeal, appeals_appealevent, reception_booking, "
        "reception_bookingevent, notifications_notification CASCADE"
    )
    cursor.execute(
        "DELETE FROM reception_slot WHERE manager_id IN "
        "(SELECT id FROM reception_manager WHERE name_en LIKE %s)",
        [BENCH_MANAGER_MARK + "%"],
    )
    cursor.execute("DELETE FROM pkop_portal_sequence WHERE prefix = 'A'")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=730, help="spread over this many days back")
    parser.add_argument("--bookings", type=int, default=3000)
    parser.add_argument("--notifications", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="empty and load again")
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args()
    for key, value in ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    db_url = os.environ["DATABASE_URL"]
    db_name = db_url.rsplit("/", 1)[1]
    started = time.time()
    ensure_database(db_url)

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    if not args.no_migrate:
        call_command("migrate", "--noinput", verbosity=0)
    from appeals.models import Appeal, AppealEvent, Category
    from notifications.models import Notification
    from pkop_portal.models import ConsentText
    from reception.models import Booking, BookingEvent, Slot

    marker = state_marker(db_name)
    if marker.exists() and not args.force:
        info = json.loads(marker.read_text())
        if Appeal.objects.filter(number=info["search"]["number"]).exists():
            ensure_staff()  # the password may have changed (BENCH_ADMIN_PASSWORD)
            info["already_loaded"] = True
            print(json.dumps(info, ensure_ascii=False, indent=1))
            return
        print(f"stale marker {marker} (its sample appeal is gone): loading", file=sys.stderr)
    if not args.force and Appeal.objects.count() >= args.count:
        # Loaded before, marker lost (a new /tmp): do not load a second time on top.
        ensure_staff()
        info = {"database": db_name, "total_appeals": Appeal.objects.count()}
        info["search"] = search_terms()
        info["already_loaded"] = True
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(info, ensure_ascii=False, indent=1))
        print(json.dumps(info, ensure_ascii=False, indent=1))
        return

    rng = random.Random(args.seed)
    now = timezone.now()
    if args.force:
        with connection.cursor() as cursor:
            force_reset(cursor, db_name)
    executors, head_id = ensure_staff()
    managers = ensure_managers(now)
    categories = dict(Category.objects.values_list("slug", "pk"))
    missing = set(CATEGORY_WEIGHTS) - set(categories)
    if missing:
        raise SystemExit(f"categories missing (seeded by appeals migrations?): {sorted(missing)}")
    consent = ConsentText.objects.filter(purpose="appeal").order_by("-valid_from").first()
    reception_consent = (
        ConsentText.objects.filter(purpose="reception").order_by("-valid_from").first()
    )
    args.reception_consent_id = reception_consent.pk if reception_consent else None

    t = time.time()
    people = make_people(rng, 60_000)
    with connection.cursor() as cursor:
        first_id = next_id(cursor, Appeal)
        args.first_slot_id = next_id(cursor, Slot)
        args.first_booking_id = next_id(cursor, Booking)
    appeals, events = build_appeals(
        rng,
        args,
        now,
        people,
        categories,
        consent.pk if consent else None,
        executors,
        head_id,
        first_id,
    )
    slots, bookings, booking_events = build_bookings(rng, args, now, people, managers, head_id)
    built = time.time() - t

    t = time.time()
    with transaction.atomic(), connection.cursor() as cursor:
        # Numbers continue each year's series of pkop_portal.Sequence (rows already submitted).
        cursor.execute("LOCK TABLE pkop_portal_sequence IN EXCLUSIVE MODE")
        cursor.execute("select year, last from pkop_portal_sequence where prefix = 'A'")
        last = dict(cursor.fetchall())
        cursor.execute("select year, coalesce(max(sequence), 0) from appeals_appeal group by year")
        for year, top in cursor.fetchall():
            last[year] = max(last.get(year, 0), top)
        for row in appeals:
            row["sequence"] += last.get(row["year"], 0)
            row["number"] = f"A-{row['year']}-{row['sequence']:06d}"
        notifications = build_notifications(
            rng, args, now, appeals, ContentType.objects.get_for_model(Appeal).pk
        )
        copy_model(cursor, Appeal, appeals, now=now)
        copy_model(cursor, AppealEvent, events, now=now)
        copy_model(cursor, Slot, slots, now=now)
        copy_model(cursor, Booking, bookings, now=now)
        copy_model(cursor, BookingEvent, booking_events, now=now)
        copy_model(cursor, Notification, notifications, now=now)
        tops: dict[int, int] = {}
        for row in appeals:
            tops[row["year"]] = max(tops.get(row["year"], 0), row["sequence"])
        for year, top in tops.items():
            cursor.execute(
                "INSERT INTO pkop_portal_sequence (prefix, year, last) VALUES ('A', %s, %s) "
                "ON CONFLICT (prefix, year) DO UPDATE SET last = GREATEST("
                "pkop_portal_sequence.last, EXCLUDED.last)",
                [year, top],
            )
        for model in (Appeal, AppealEvent, Slot, Booking, BookingEvent, Notification):
            reset_id_sequence(cursor, model)
    copied = time.time() - t

    t = time.time()
    from reception.slots import slots_generate_all

    future_slots = slots_generate_all()
    old_autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        for model in (Appeal, AppealEvent, Slot, Booking, BookingEvent, Notification):
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    connection.set_autocommit(old_autocommit)
    vacuumed = time.time() - t

    info = {
        "database": db_name,
        "appeals_loaded": len(appeals),
        "events_loaded": len(events),
        "slots_loaded": len(slots) + future_slots,
        "bookings_loaded": len(bookings),
        "notifications_loaded": len(notifications),
        "total_appeals": Appeal.objects.count(),
        "admin": {"username": ADMIN_USERNAME, "password_env": "BENCH_ADMIN_PASSWORD"},
        "search": search_terms(),
        "seconds": {
            "build": round(built, 1),
            "copy": round(copied, 1),
            "vacuum_analyze": round(vacuumed, 1),
            "total": round(time.time() - started, 1),
        },
    }
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    print(json.dumps(info, ensure_ascii=False, indent=1))


def search_terms() -> dict:
    """From the database: a registration number from the middle of the table, the IIN, phone
    and e-mail of an applicant with a handful (4-6) of appeals, the rare words; and how many
    appeals each finds (the words: in the subject and in the text)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "select number from appeals_appeal where number like 'A-%%' order by id "
            "offset (select count(*) / 2 from appeals_appeal where number like 'A-%%') limit 1"
        )
        number = cursor.fetchone()[0]
        cursor.execute(
            "select iin from appeals_appeal where iin <> '' and phone <> '' and email <> '' "
            "group by iin having count(*) between 4 and 6 order by count(*) desc, iin limit 1"
        )
        iin = cursor.fetchone()[0]
        found = {}
        for key in ("phone", "email"):
            cursor.execute(
                f"select {key} from appeals_appeal where iin = %s and {key} <> '' "
                f"group by {key} order by count(*) desc, {key} limit 1",
                [iin],
            )
            found[key] = cursor.fetchone()[0]
        terms = {
            "number": number,
            "iin": iin,
            "phone": found["phone"],
            "email": found["email"],
            "word_ru": SEARCH_WORD["ru"],
            "word_kk": SEARCH_WORD["kk"],
            "word_en": SEARCH_WORD["en"],
        }
        counts = {}
        for key in ("iin", "phone", "email"):
            cursor.execute(f"select count(*) from appeals_appeal where {key} = %s", [terms[key]])
            counts[key] = cursor.fetchone()[0]
        for key in ("word_ru", "word_kk", "word_en"):
            pattern = f"%{terms[key]}%"
            cursor.execute(
                "select count(*) filter (where subject ilike %s), "
                "count(*) filter (where text ilike %s) from appeals_appeal",
                [pattern, pattern],
            )
            in_subject, in_text = cursor.fetchone()
            counts[key] = {"subject": in_subject, "text": in_text}
    terms["rows_found"] = counts
    return terms


if __name__ == "__main__":
    main()
