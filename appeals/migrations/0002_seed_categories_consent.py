"""Seed the subject categories and the first version of the personal-data consent text."""

import datetime

from django.db import migrations

CATEGORIES = [
    ("charity", "Қайырымдылық және әлеуметтік көмек", "Благотворительная и социальная помощь",
     "Charitable and social assistance", "慈善与社会援助"),
    ("environment", "Экология және іргелес елді мекендер", "Экология и близлежащие населённые пункты",
     "Environment and nearby settlements", "环境与周边居民点"),
    ("employment", "Жұмысқа орналасу", "Трудоустройство", "Employment", "就业"),
    ("procurement", "Жеткізушілер және сатып алу", "Поставщики и закупки",
     "Suppliers and procurement", "供应商与采购"),
    ("services", "Компания қызметтері", "Услуги компании", "Company services", "公司服务"),
    ("employee_suggestion", "Қызметкердің ұсынысы", "Предложение работника",
     "Employee suggestion", "员工建议"),
    ("other", "Басқа", "Другое", "Other", "其他"),
]

CONSENT = {
    "version": "2026-1",
    "text_kk": (
        "Мен «ПКОП» ЖШС-ке (оператор, Шымкент қ.) өтінішімді тіркеу, қарау және жауап беру мақсатында "
        "дербес деректерімді (аты-жөні, ЖСН немесе БСН, пошталық мекенжай, телефон, электрондық "
        "пошта, өтініш мәтіні және тіркелген файлдар) жинауға және өңдеуге келісім беремін. Деректер "
        "Қазақстан Республикасында сақталады, заңда көзделген жағдайларда ғана мемлекеттік органдарға "
        "беріледі, трансшекаралық берілмейді және жарияланбайды. Келісім заңда белгіленген сақтау "
        "мерзімі өткенге дейін жарамды; оны өтініш арқылы кері қайтарып алуға болады."
    ),
    "text_ru": (
        "Я даю согласие ТОО «ПКОП» (оператор, г. Шымкент) на сбор и обработку моих персональных "
        "данных (ФИО, ИИН или БИН, почтовый адрес, телефон, электронная почта, текст обращения и "
        "приложенные файлы) в целях регистрации, рассмотрения обращения и ответа на него. Данные "
        "хранятся в Республике Казахстан, передаются государственным органам только в случаях, "
        "предусмотренных законом, трансграничной передаче и опубликованию не подлежат. Согласие "
        "действует до истечения установленного законом срока хранения; его можно отозвать, подав "
        "обращение."
    ),
    "text_en": (
        "I consent to PKOP LLP (the operator, Shymkent) collecting and processing my personal data "
        "(full name, IIN or BIN, postal address, phone, e-mail, the text of the appeal and the "
        "attached files) to register and consider my appeal and to answer it. The data are stored "
        "in the Republic of Kazakhstan, passed to state bodies only where the law requires it, not "
        "transferred abroad and not published. The consent is valid until the retention period "
        "set by law ends; it can be withdrawn by an appeal."
    ),
    "text_zh_hans": (
        "本人同意PKOP有限责任合伙企业（运营方，奇姆肯特）为登记、处理和答复本人诉求之目的，收集和处理本人的"
        "个人数据（姓名、个人识别号(IIN)或企业识别号(BIN)、通讯地址、电话、电子邮件、诉求内容及所附文件）。"
        "数据存储于哈萨克斯坦共和国境内，仅在法律规定的情况下提供给国家机关，不跨境传输，也不公开。本同意在"
        "法定保存期限届满前有效；可通过提交诉求撤回。"
    ),
    "valid_from": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
}


def seed(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    ConsentText = apps.get_model("appeals", "ConsentText")
    for position, (slug, kk, ru, en, zh) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_kk": kk, "name_ru": ru, "name_en": en, "name_zh_hans": zh,
                "position": position,
            },
        )
    ConsentText.objects.get_or_create(version=CONSENT["version"], defaults=CONSENT)


def unseed(apps, schema_editor):
    apps.get_model("appeals", "Category").objects.filter(
        slug__in=[c[0] for c in CATEGORIES], appeals__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
