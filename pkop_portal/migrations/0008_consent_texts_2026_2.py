"""Consent texts, version 2026-2, of the appeal, charity and reception forms: each names what
its form now collects (issue 13). A text once agreed to is never edited
(pkop_portal.models.ConsentText): this adds new versions, which the forms show from now on;
records made under 2026-1 (pkop_portal 0004) keep pointing at theirs.

- Appeal: from a person without an IIN (a foreign national), the kind and number of an identity
  document (appeals 0012); an organisation's name; what the applicant adds later on the tracking
  page; and an appeal outside the company's competence is sent on to the competent body.
- Charity: the identity document (charity 0005); each member's relation and occupation; the
  district; the family's situation.
- Reception: the identity document a citizen without an IIN books with (reception 0005).

Otherwise word for word version 2026-1.
"""

import datetime

from django.db import migrations

VERSION = "2026-2"
VALID_FROM = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)

TEXTS = {
    "appeal": {
        "text_kk": (
            "Мен «ПКОП» ЖШС-ке (оператор, Шымкент қ.) өтінішімді тіркеу, қарау және жауап "
            "беру мақсатында дербес деректерімді (аты-жөні; ЖСН, ал ЖСН болмаса — жеке "
            "басты куәландыратын құжаттың түрі мен нөмірі; ұйымның атынан жүгінгенде — "
            "ұйымның атауы мен БСН; пошталық мекенжай, телефон, электрондық пошта, өтініш "
            "мәтіні, тіркелген файлдар және кейін толықтырған мәліметтерім) жинауға және "
            "өңдеуге келісім беремін. Деректер Қазақстан Республикасында сақталады, заңда "
            "көзделген жағдайларда ғана мемлекеттік органдарға беріледі, ал мәселе «ПКОП» "
            "ЖШС-нің құзыретіне жатпаса, өтінішпен бірге оның құзыретіне жататын органға "
            "немесе ұйымға жіберіледі; трансшекаралық берілмейді және жарияланбайды. "
            "Келісім заңда белгіленген сақтау мерзімі өткенге дейін жарамды; оны өтініш "
            "арқылы кері қайтарып алуға болады."
        ),
        "text_ru": (
            "Я даю согласие ТОО «ПКОП» (оператор, г. Шымкент) на сбор и обработку моих "
            "персональных данных (ФИО; ИИН, а при его отсутствии — вид и номер документа, "
            "удостоверяющего личность; при обращении от имени организации — её "
            "наименование и БИН; почтовый адрес, телефон, электронная почта, текст "
            "обращения, приложенные файлы и сведения, которыми я дополню обращение позже) "
            "в целях регистрации, рассмотрения обращения и ответа на него. Данные хранятся "
            "в Республике Казахстан, передаются государственным органам только в случаях, "
            "предусмотренных законом, а если вопрос не относится к компетенции ТОО «ПКОП», "
            "— вместе с обращением в орган или организацию, к компетенции которых он "
            "относится; трансграничной передаче и опубликованию не подлежат. Согласие "
            "действует до истечения установленного законом срока хранения; его можно "
            "отозвать, подав обращение."
        ),
        "text_en": (
            "I consent to PKOP LLP (the operator, Shymkent) collecting and processing my "
            "personal data (full name; IIN or, if I have no IIN, the kind and number of my "
            "identity document; for an appeal on behalf of an organisation, its name and "
            "BIN; postal address, phone, e-mail, the text of the appeal, the attached "
            "files and what I add to the appeal later) to register and consider my appeal "
            "and to answer it. The data are stored in the Republic of Kazakhstan, passed "
            "to state bodies only where the law requires it and, if the matter is outside "
            "the competence of PKOP LLP, sent with the appeal to the body or organisation "
            "competent for it; they are not transferred abroad and not published. The "
            "consent is valid until the retention period set by law ends; it can be "
            "withdrawn by an appeal."
        ),
        "text_zh_hans": (
            "本人同意PKOP有限责任合伙企业（运营方，奇姆肯特）为登记、处理和答复本人诉求之目的，收集和处理本人"
            "的个人数据（姓名；个人识别号(IIN)，如无个人识别号，则为身份证件的种类和号码；如代表组织提出诉求"
            "，则为组织名称及企业识别号(BIN)；通讯地址、电话、电子邮件、诉求内容、所附文件以及本人日后补充的"
            "信息）。数据存储于哈萨克斯坦共和国境内，仅在法律规定的情况下提供给国家机关；如诉求事项不属于PKOP"
            "有限责任合伙企业的职权范围，数据将随诉求一并转交有管辖权的机关或组织；数据不跨境传输，也不公开。本同"
            "意在法定保存期限届满前有效；可通过提交诉求撤回。"
        ),
    },
    "charity": {
        "text_kk": (
            "Мен «ПКОП» ЖШС-ке (оператор, Шымкент қ.) қайырымдылық немесе әлеуметтік көмек "
            "туралы өтінімді қарау, көмек беру туралы шешім қабылдау, көмекті беру және "
            "дербес деректерсіз жалпы есептілік жасау мақсатында менің және отбасы "
            "мүшелерімнің дербес деректерін (аты-жөні; ЖСН, ал менде ЖСН болмаса — жеке "
            "басты куәландыратын құжаттың түрі мен нөмірі; туған күні; маған туыстық "
            "қатынасы мен қызмет түрі; мекенжай мен аудан; телефон, электрондық пошта; "
            "табыс; отбасы құрамы мен жағдайы; денсаулық пен мүгедектік туралы мәліметтер; "
            "тіркелген құжаттар) жинауға және өңдеуге келісім беремін. Отбасы мүшелерінің "
            "деректерін беруге олардың келісімі бар екенін растаймын. Деректер Қазақстан "
            "Республикасында сақталады, заңда көзделген жағдайларда ғана мемлекеттік "
            "органдарға беріледі, трансшекаралық берілмейді және жарияланбайды. Келісім "
            "заңда белгіленген сақтау мерзімі өткенге дейін жарамды; оны өтініш арқылы "
            "кері қайтарып алуға болады."
        ),
        "text_ru": (
            "Я даю согласие ТОО «ПКОП» (оператор, г. Шымкент) на сбор и обработку "
            "персональных данных моих и членов моей семьи (ФИО; ИИН, а при отсутствии у "
            "меня ИИН — вид и номер документа, удостоверяющего личность; дата рождения; "
            "степень родства со мной и род занятий; адрес и район; телефон, электронная "
            "почта; доходы; состав и положение семьи; сведения о здоровье и инвалидности; "
            "приложенные документы) в целях рассмотрения заявки на благотворительную или "
            "социальную помощь, принятия решения, оказания помощи и составления "
            "обезличенной отчётности. Подтверждаю, что члены семьи согласны на передачу их "
            "данных. Данные хранятся в Республике Казахстан, передаются государственным "
            "органам только в случаях, предусмотренных законом, трансграничной передаче и "
            "опубликованию не подлежат. Согласие действует до истечения установленного "
            "законом срока хранения; его можно отозвать, подав обращение."
        ),
        "text_en": (
            "I consent to PKOP LLP (the operator, Shymkent) collecting and processing the "
            "personal data of myself and my household members (full names; IINs or, if I "
            "have no IIN, the kind and number of my identity document; birth dates; "
            "relation to me and occupation; address and district; phone, e-mail; income; "
            "household composition and situation; health and disability information; the "
            "attached documents) to consider my request for charitable or social "
            "assistance, decide on it, deliver the assistance and produce reports without "
            "personal data. I confirm that my household members agree to their data being "
            "given. The data are stored in the Republic of Kazakhstan, passed to state "
            "bodies only where the law requires it, not transferred abroad and not "
            "published. The consent is valid until the retention period set by law ends; "
            "it can be withdrawn by an appeal."
        ),
        "text_zh_hans": (
            "本人同意PKOP有限责任合伙企业（运营方，奇姆肯特）为审核慈善或社会援助申请、作出决定、提供援助及编"
            "制不含个人数据的报告之目的，收集和处理本人及家庭成员的个人数据（姓名；个人识别号(IIN)，本人如无"
            "个人识别号，则为身份证件的种类和号码；出生日期；与本人的关系及职业状况；地址及所在区；电话、电子邮件"
            "；收入；家庭构成及家庭状况；健康和残疾信息；所附文件）。本人确认家庭成员同意提供其数据。数据存储于哈"
            "萨克斯坦共和国境内，仅在法律规定的情况下提供给国家机关，不跨境传输，也不公开。本同意在法定保存期限届"
            "满前有效；可通过提交诉求撤回。"
        ),
    },
    "reception": {
        "text_kk": (
            "Мен «ПКОП» ЖШС-ке (оператор, Шымкент қ.) басшының жеке қабылдауына жазылу, "
            "қабылдауды өткізу, ол туралы еске салу және қабылдауда шешілмеген мәселені "
            "өтініш ретінде тіркеу мақсатында дербес деректерімді (аты-жөні; ЖСН, ал ЖСН "
            "болмаса — жеке басты куәландыратын құжаттың түрі мен нөмірі; телефон, "
            "электрондық пошта, қабылдау тақырыбы мен сипаттамасы) жинауға және өңдеуге "
            "келісім беремін. Деректер Қазақстан Республикасында сақталады, заңда "
            "көзделген жағдайларда ғана мемлекеттік органдарға беріледі, трансшекаралық "
            "берілмейді және жарияланбайды. Келісім заңда белгіленген сақтау мерзімі "
            "өткенге дейін жарамды; оны өтініш арқылы кері қайтарып алуға болады."
        ),
        "text_ru": (
            "Я даю согласие ТОО «ПКОП» (оператор, г. Шымкент) на сбор и обработку моих "
            "персональных данных (ФИО; ИИН, а при его отсутствии — вид и номер документа, "
            "удостоверяющего личность; телефон, электронная почта, тема и описание "
            "вопроса) в целях записи на личный приём к руководителю, проведения приёма, "
            "напоминаний о нём и регистрации нерешённого на приёме вопроса как обращения. "
            "Данные хранятся в Республике Казахстан, передаются государственным органам "
            "только в случаях, предусмотренных законом, трансграничной передаче и "
            "опубликованию не подлежат. Согласие действует до истечения установленного "
            "законом срока хранения; его можно отозвать, подав обращение."
        ),
        "text_en": (
            "I consent to PKOP LLP (the operator, Shymkent) collecting and processing my "
            "personal data (full name; IIN or, if I have no IIN, the kind and number of my "
            "identity document; phone, e-mail, the topic and description of my question) "
            "to book and hold a personal reception with a manager, to remind me of it and "
            "to register a question left unresolved at the reception as an appeal. The "
            "data are stored in the Republic of Kazakhstan, passed to state bodies only "
            "where the law requires it, not transferred abroad and not published. The "
            "consent is valid until the retention period set by law ends; it can be "
            "withdrawn by an appeal."
        ),
        "text_zh_hans": (
            "本人同意PKOP有限责任合伙企业（运营方，奇姆肯特）为预约和举行与管理人员的个人接待、发送接待提醒以"
            "及将接待中未解决的问题登记为诉求之目的，收集和处理本人的个人数据（姓名、个人识别号(IIN)（无个人"
            "识别号者为身份证件的种类和号码）、电话、电子邮件、接待主题及问题说明）。数据存储于哈萨克斯坦共和国境"
            "内，仅在法律规定的情况下提供给国家机关，不跨境传输，也不公开。本同意在法定保存期限届满前有效；可通过提交诉求撤回。"
        ),
    },
}


def seed(apps, schema_editor):
    ConsentText = apps.get_model("pkop_portal", "ConsentText")
    for purpose, texts in TEXTS.items():
        ConsentText.objects.get_or_create(
            purpose=purpose, version=VERSION, defaults={**texts, "valid_from": VALID_FROM}
        )


def unseed(apps, schema_editor):
    # PROTECT: once a record agreed to one of these versions, it cannot be removed.
    ConsentText = apps.get_model("pkop_portal", "ConsentText")
    ConsentText.objects.filter(purpose__in=TEXTS, version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pkop_portal", "0007_staffprofile"),
        # The texts name the identity document the forms take since these migrations.
        ("appeals", "0012_identity_document"),
        ("charity", "0005_identity_document"),
        ("reception", "0005_identity_document"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
