"""Demo management team with weekly reception schedules, for `make run`."""

from datetime import time

from django.db import transaction

from pkop_portal import workdays
from reception.models import Manager, ScheduleRule
from reception.slots import slots_generate_all

PLACE = "Шымкент, административное здание ТОО «ПКОП», приёмная (каб. 201)"

TEAM = [
    # (weekday, start, names kk/ru/en/zh, positions kk/ru/en/zh, topics ru)
    (
        2,
        time(15, 0),
        ("Ерлан Сапаров", "Ерлан Сапаров", "Yerlan Saparov", "叶尔兰·萨帕罗夫"),
        ("Бас директор", "Генеральный директор", "General Director", "总经理"),
        "Любые вопросы деятельности компании",
    ),
    (
        3,
        time(10, 0),
        ("Асқар Бекұлы", "Аскар Бекулы", "Askar Bekuly", "阿斯卡尔·别库雷"),
        ("Бас инженер", "Главный инженер", "Chief Engineer", "总工程师"),
        "Экология, безопасность, влияние завода на близлежащие районы",
    ),
    (
        1,
        time(10, 0),
        ("Марат Әлиев", "Марат Алиев", "Marat Aliyev", "马拉特·阿利耶夫"),
        (
            "Өндіріс жөніндегі бас директордың орынбасары",
            "Заместитель генерального директора по производству",
            "Deputy General Director for Production",
            "主管生产的副总经理",
        ),
        "Производство, поставщики и закупки",
    ),
    (
        4,
        time(15, 0),
        ("Гүлнар Тоқтарова", "Гульнар Токтарова", "Gulnar Toktarova", "古丽娜尔·托克塔罗娃"),
        (
            "Персонал және әлеуметтік мәселелер жөніндегі бас директордың орынбасары",
            "Заместитель генерального директора по персоналу и социальным вопросам",
            "Deputy General Director for HR and Social Issues",
            "主管人事与社会事务的副总经理",
        ),
        "Трудоустройство, благотворительная и социальная помощь",
    ),
    (
        5,
        time(10, 0),
        ("Дәурен Жақыпов", "Даурен Жакупов", "Dauren Zhakupov", "达乌连·扎库波夫"),
        (
            "Экономика және қаржы жөніндегі бас директордың орынбасары",
            "Заместитель генерального директора по экономике и финансам",
            "Deputy General Director for Economics and Finance",
            "主管经济与财务的副总经理",
        ),
        "Договоры, оплата, спонсорская помощь",
    ),
]


@transaction.atomic
def reception_demo_load() -> int:
    """Create the team and its schedules once, then the slots of the booking horizon."""
    if Manager.objects.exists():
        return 0
    today = workdays.local_now().date()
    for order, (weekday, start, names, positions, topics) in enumerate(TEAM, start=1):
        manager = Manager.objects.create(
            name_kk=names[0],
            name_ru=names[1],
            name_en=names[2],
            name_zh_hans=names[3],
            position_kk=positions[0],
            position_ru=positions[1],
            position_en=positions[2],
            position_zh_hans=positions[3],
            topics_ru=topics,
            place=PLACE,
            position=order,
        )
        ScheduleRule.objects.create(
            manager=manager,
            weekdays=str(weekday),
            start_time=start,
            end_time=time(start.hour + 2, 0),
            slot_minutes=20,
            capacity=1,
            valid_from=today,
        )
    slots_generate_all(today=today)
    return len(TEAM)
