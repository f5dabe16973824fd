"""Consent texts of the reception, charity and hotline forms (the appeal text came from the
appeals app), in the four languages; Heads may read every consent text."""

import datetime

from django.db import migrations

from pkop_portal.permissions import grant_group_permissions, revoke_group_permissions

VALID_FROM = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)

TEXTS = {
    "reception": {
        "text_kk": (
            "Мен «ПКОП» ЖШС-ке (оператор, Шымкент қ.) басшының жеке қабылдауына жазылу, "
            "қабылдауды өткізу, ол туралы еске салу және қабылдауда шешілмеген мәселені өтініш "
            "ретінде тіркеу мақсатында дербес деректерімді (аты-жөні, ЖСН, телефон, электрондық "
            "пошта, қабылдау тақырыбы мен сипаттамасы) жинауға және өңдеуге келісім беремін. "
            "Деректер Қазақстан Республикасында сақталады, заңда көзделген жағдайларда ғана "
            "мемлекеттік органдарға беріледі, трансшекаралық берілмейді және жарияланбайды. Келісім "
            "заңда белгіленген сақтау мерзімі өткенге дейін жарамды; оны өтініш арқылы кері "
            "қайтарып алуға болады."
        ),
        "text_ru": (
            "Я даю согласие ТОО «ПКОП» (оператор, г. Шымкент) на сбор и обработку моих "
            "персональных данных (ФИО, ИИН, телефон, электронная почта, тема и описание вопроса) "
            "в целях записи на личный приём к руководителю, проведения приёма, напоминаний о нём и "
            "регистрации нерешённого на приёме вопроса как обращения. Данные хранятся в Республике "
            "Казахстан, передаются государственным органам только в случаях, предусмотренных "
            "законом, трансграничной передаче и опубликованию не подлежат. Согласие действует до "
            "истечения установленного законом срока хранения; его можно отозвать, подав обращение."
        ),
        "text_en": (
            "I consent to PKOP LLP (the operator, Shymkent) collecting and processing my personal "
            "data (full name, IIN, phone, e-mail, the topic and description of my question) to "
            "book and hold a personal reception with a manager, to remind me of it and to register "
            "a question left unresolved at the reception as an appeal. The data are stored in the "
            "Republic of Kazakhstan, passed to state bodies only where the law requires it, not "
            "transferred abroad and not published. The consent is valid until the retention "
            "period set by law ends; it can be withdrawn by an appeal."
        ),
        "text_zh_hans": (
            "本人同意PKOP有限责任合伙企业（运营方，奇姆肯特）为预约和举行与管理人员的个人接待、发送接待提醒"
            "以及将接待中未解决的问题登记为诉求之目的，收集和处理本人的个人数据（姓名、个人识别号(IIN)、"
            "电话、电子邮件、接待主题及问题说明）。数据存储于哈萨克斯坦共和国境内，仅在法律规定的情况下提供给"
            "国家机关，不跨境传输，也不公开。本同意在法定保存期限届满前有效；可通过提交诉求撤回。"
        ),
    },
    "charity": {
        "text_kk": (
            "Мен «ПКОП» ЖШС-ке (оператор, Шымкент қ.) қайырымдылық немесе әлеуметтік көмек туралы "
            "өтінімді қарау, көмек беру туралы шешім қабылдау, көмекті беру және дербес деректерсіз "
            "жалпы есептілік жасау мақсатында менің және отбасы мүшелерімнің дербес деректерін "
            "(аты-жөні, ЖСН, туған күні, мекенжай, телефон, электрондық пошта, табыс, отбасы құрамы, "
            "денсаулық пен мүгедектік туралы мәліметтер және тіркелген құжаттар) жинауға және "
            "өңдеуге келісім беремін. Отбасы мүшелерінің деректерін беруге олардың келісімі бар "
            "екенін растаймын. Деректер Қазақстан Республикасында сақталады, заңда көзделген "
            "жағдайларда ғана мемлекеттік органдарға беріледі, трансшекаралық берілмейді және "
            "жарияланбайды. Келісім заңда белгіленген сақтау мерзімі өткенге дейін жарамды; оны "
            "өтініш арқылы кері қайтарып алуға болады."
        ),
        "text_ru": (
            "Я даю согласие ТОО «ПКОП» (оператор, г. Шымкент) на сбор и обработку персональных "
            "данных моих и членов моей семьи (ФИО, ИИН, дата рождения, адрес, телефон, электронная "
            "почта, доходы, состав семьи, сведения о здоровье и инвалидности, приложенные "
            "документы) в целях рассмотрения заявки на благотворительную или социальную помощь, "
            "принятия решения, оказания помощи и составления обезличенной отчётности. Подтверждаю, "
            "что члены семьи согласны на передачу их данных. Данные хранятся в Республике "
            "Казахстан, передаются государственным органам только в случаях, предусмотренных "
            "законом, трансграничной передаче и опубликованию не подлежат. Согласие действует до "
            "истечения установленного законом срока хранения; его можно отозвать, подав обращение."
        ),
        "text_en": (
            "I consent to PKOP LLP (the operator, Shymkent) collecting and processing the personal "
            "data of myself and my household members (full names, IINs, birth dates, address, "
            "phone, e-mail, income, household composition, health and disability information and "
            "the attached documents) to consider my request for charitable or social assistance, "
            "decide on it, deliver the assistance and produce reports without personal data. I "
            "confirm that my household members agree to their data being given. The data are "
            "stored in the Republic of Kazakhstan, passed to state bodies only where the law "
            "requires it, not transferred abroad and not published. The consent is valid until "
            "the retention period set by law ends; it can be withdrawn by an appeal."
        ),
        "text_zh_hans": (
            "本人同意PKOP有限责任合伙企业（运营方，奇姆肯特）为审核慈善或社会援助申请、作出决定、提供援助及"
            "编制不含个人数据的报告之目的，收集和处理本人及家庭成员的个人数据（姓名、个人识别号(IIN)、出生日期、"
            "地址、电话、电子邮件、收入、家庭构成、健康和残疾信息及所附文件）。本人确认家庭成员同意提供其数据。"
            "数据存储于哈萨克斯坦共和国境内，仅在法律规定的情况下提供给国家机关，不跨境传输，也不公开。本同意在"
            "法定保存期限届满前有效；可通过提交诉求撤回。"
        ),
    },
    "hotline": {
        "text_kk": (
            "Мен «ПКОП» ЖШС-ке (оператор, Шымкент қ.) № 00-02 Саясатқа сәйкес хабарламамды тексеру "
            "мақсатында онда көрсетілген мәліметтерді, соның ішінде өз қалауыммен берген "
            "деректерімді (аты-жөні, лауазымы, байланыс деректері) өңдеуге келісім беремін. "
            "Хабарламаны тек комплаенс қызметі көреді; жеке басымды анықтайтын деректер шифрланып "
            "сақталады, IP-мекенжай мен браузер деректері сақталмайды. Деректер Қазақстан "
            "Республикасында сақталады және заңда көзделген жағдайларда ғана құзыретті органдарға "
            "беріледі. Келісім хабарламаны тексеру және заңда белгіленген сақтау мерзімі "
            "аяқталғанға дейін жарамды."
        ),
        "text_ru": (
            "Я даю согласие ТОО «ПКОП» (оператор, г. Шымкент) на обработку сведений, указанных в "
            "моём сообщении, в том числе моих данных, если я их добровольно указал (ФИО, должность, "
            "контакты), в целях проверки сообщения по Политике № 00-02. Сообщение видит только "
            "служба комплаенс; данные, раскрывающие мою личность, хранятся в зашифрованном виде, "
            "IP-адрес и данные браузера не сохраняются. Данные хранятся в Республике Казахстан и "
            "передаются компетентным органам только в случаях, предусмотренных законом. Согласие "
            "действует до завершения проверки и истечения установленного законом срока хранения."
        ),
        "text_en": (
            "I consent to PKOP LLP (the operator, Shymkent) processing the information in my "
            "report, including my own details if I choose to give them (name, position, contact), "
            "to examine the report under Policy No. 00-02. Only the Compliance function sees the "
            "report; details that identify me are stored encrypted, and no IP address or browser "
            "data are kept. The data are stored in the Republic of Kazakhstan and passed to "
            "competent authorities only where the law requires it. The consent is valid until the "
            "examination ends and the retention period set by law has passed."
        ),
        "text_zh_hans": (
            "本人同意PKOP有限责任合伙企业（运营方，奇姆肯特）为依照第00-02号政策核查本人举报之目的，处理举报中"
            "所述信息，包括本人自愿提供的个人信息（姓名、职务、联系方式）。举报仅由合规部门查阅；可识别本人身份的"
            "信息加密存储，不保存IP地址和浏览器数据。数据存储于哈萨克斯坦共和国境内，仅在法律规定的情况下提供给"
            "主管机关。本同意在核查结束且法定保存期限届满前有效。"
        ),
    },
}

GRANTS = {"Head": ["view_consenttext"]}


def seed(apps, schema_editor):
    ConsentText = apps.get_model("pkop_portal", "ConsentText")
    for purpose, texts in TEXTS.items():
        ConsentText.objects.get_or_create(
            purpose=purpose,
            version="2026-1",
            defaults={**texts, "valid_from": VALID_FROM},
        )
    grant_group_permissions(apps, "pkop_portal", GRANTS)


def unseed(apps, schema_editor):
    revoke_group_permissions(apps, "pkop_portal", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("pkop_portal", "0003_consent_text"),
        # The appeal texts keep their ids: they are copied before any new row takes an id.
        ("appeals", "0004_consent_text_moved"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
