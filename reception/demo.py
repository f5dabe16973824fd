"""Demo management team with weekly reception schedules, for `make run`."""

from datetime import time

from django.db import transaction

from pkop_portal import workdays
from reception.models import Manager, ScheduleRule
from reception.slots import slots_generate_all

PLACE = {
    "place_kk": "Шымкент, «ПКОП» ЖШС әкімшілік ғимараты, қабылдау бөлмесі (201-бөлме)",
    "place_ru": "Шымкент, административное здание ТОО «ПКОП», приёмная (каб. 201)",
    "place_en": "Shymkent, PKOP LLP administration building, reception office (room 201)",
    "place_zh_hans": "奇姆肯特，PKOP有限责任合伙企业行政楼接待室（201室）",
}

TEAM = [
    # (weekday, start, names kk/ru/en/zh, positions kk/ru/en/zh, topics kk/ru/en/zh)
    (
        2,
        time(15, 0),
        ("Ерлан Сапаров", "Ерлан Сапаров", "Yerlan Saparov", "叶尔兰·萨帕罗夫"),
        ("Бас директор", "Генеральный директор", "General Director", "总经理"),
        (
            "Компания қызметінің кез келген мәселелері",
            "Любые вопросы деятельности компании",
            "Any question about the company",
            "公司业务的任何问题",
        ),
    ),
    (
        3,
        time(10, 0),
        ("Асқар Бекұлы", "Аскар Бекулы", "Askar Bekuly", "阿斯卡尔·别库雷"),
        ("Бас инженер", "Главный инженер", "Chief Engineer", "总工程师"),
        (
            "Экология, қауіпсіздік, зауыттың маңайдағы аудандарға әсері",
            "Экология, безопасность, влияние завода на близлежащие районы",
            "Environment, safety, the refinery's effect on nearby districts",
            "环境、安全及炼油厂对周边地区的影响",
        ),
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
        (
            "Өндіріс, жеткізушілер және сатып алу",
            "Производство, поставщики и закупки",
            "Production, suppliers and procurement",
            "生产、供应商与采购",
        ),
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
        (
            "Жұмысқа орналасу, қайырымдылық және әлеуметтік көмек",
            "Трудоустройство, благотворительная и социальная помощь",
            "Employment, charitable and social assistance",
            "就业、慈善与社会援助",
        ),
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
        (
            "Шарттар, төлем, демеушілік көмек",
            "Договоры, оплата, спонсорская помощь",
            "Contracts, payments, sponsorship",
            "合同、付款、赞助",
        ),
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
            topics_kk=topics[0],
            topics_ru=topics[1],
            topics_en=topics[2],
            topics_zh_hans=topics[3],
            **PLACE,
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
