"""Each consent text names what its own form collects, in all four languages, and a changed
text is a new version (pkop_portal 0008–0010): the old one stays for the records that agreed
to it, and the forms show the new one."""

import pytest

from pkop_portal.consent import consent_text_current
from pkop_portal.models import ConsentText
from pkop_portal.tests.public_forms import APPEAL_URL, booking_url, free_slot, hidden_fields

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]
COLUMN = {"kk": "text_kk", "ru": "text_ru", "en": "text_en", "zh-hans": "text_zh_hans"}
# "the kind and number of an identity document" (for a person without an IIN), per language.
ID_DOCUMENT = {
    "kk": "жеке басты куәландыратын құжаттың түрі мен нөмірі",
    "ru": "вид и номер документа, удостоверяющего личность",
    "en": "the kind and number of my identity document",
    "zh-hans": "身份证件的种类和号码",
}


def test_every_purpose_has_a_current_text_in_all_four_languages():
    for purpose in ConsentText.Purpose.values:
        text = consent_text_current(purpose=purpose)
        assert text is not None, purpose
        for column in COLUMN.values():
            assert len(getattr(text, column)) > 150, (purpose, column)
        assert len({getattr(text, column) for column in COLUMN.values()}) == 4, purpose


@pytest.mark.parametrize("purpose", ["appeal", "reception", "charity"])
def test_identity_document_text_is_a_new_version_and_the_old_one_is_kept(purpose):
    versions = dict(ConsentText.objects.filter(purpose=purpose).values_list("version", "text_en"))
    assert set(versions) == {"2026-1", "2026-2"}
    assert consent_text_current(purpose=purpose).version == "2026-2"
    # The version agreed to before is untouched: it never spoke of identity documents.
    assert ID_DOCUMENT["en"] not in versions["2026-1"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("purpose", ["appeal", "reception", "charity"])
def test_identity_document_is_named_in_every_language(purpose, lang):
    text = getattr(consent_text_current(purpose=purpose), COLUMN[lang])
    assert ID_DOCUMENT[lang] in text


@pytest.mark.parametrize("lang", LANGS)
def test_appeal_text_names_organisation_later_additions_and_redirection(lang):
    text = getattr(consent_text_current(purpose="appeal"), COLUMN[lang])
    words = {
        "kk": ["БСН", "тіркелген файлдар", "кейін толықтырған", "құзыретіне жататын органға"],
        "ru": ["БИН", "приложенные файлы", "дополню обращение позже", "к компетенции которых"],
        "en": [
            "its name and BIN",
            "attached files",
            "what I add to the appeal later",
            "body or organisation competent for it",
        ],
        "zh-hans": ["企业识别号(BIN)", "所附文件", "日后补充的信息", "有管辖权的机关或组织"],
    }[lang]
    for word in words:
        assert word in text


@pytest.mark.parametrize("lang", LANGS)
def test_reception_text_speaks_of_no_appeal_files(lang):
    text = getattr(consent_text_current(purpose="reception"), COLUMN[lang])
    files = {"kk": "файл", "ru": "файл", "en": "file", "zh-hans": "文件"}[lang]
    assert files not in text.lower()


def test_charity_text_names_household_income_and_documents():
    text = consent_text_current(purpose="charity").text_en
    for phrase in ("household members", "income", "the attached documents", "health"):
        assert phrase in text


# The member's relation and occupation, the district and the family's situation (the charity
# form asks all four), per language.
CHARITY_HOUSEHOLD = {
    "kk": ["туыстық қатынасы мен қызмет түрі", "аудан", "отбасы құрамы мен жағдайы"],
    "ru": ["степень родства со мной и род занятий", "район", "состав и положение семьи"],
    "en": ["relation to me and occupation", "district", "household composition and situation"],
    "zh-hans": ["与本人的关系及职业状况", "所在区", "家庭构成及家庭状况"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_charity_text_names_relation_occupation_district_and_situation(lang):
    current = consent_text_current(purpose="charity")
    assert current.version == "2026-2"
    for phrase in CHARITY_HOUSEHOLD[lang]:
        assert phrase in getattr(current, COLUMN[lang])
    older = ConsentText.objects.get(purpose="charity", version="2026-1")
    assert CHARITY_HOUSEHOLD[lang][0] not in getattr(older, COLUMN[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_charity_form_shows_the_new_version(client, lang):
    page = client.get(f"/{lang}/charity/apply/").content.decode()
    assert hidden_fields(page)["consent_version"] == "2026-2"
    for phrase in [ID_DOCUMENT[lang], *CHARITY_HOUSEHOLD[lang]]:
        assert phrase in page


def test_hotline_text_speaks_of_optional_identity_encryption_and_compliance_only():
    text = consent_text_current(purpose="hotline").text_en
    for phrase in (
        "if I choose to give them",
        "stored encrypted",
        "Only the Compliance function sees the report",
        "no IP address",
    ):
        assert phrase in text


@pytest.mark.parametrize("lang", LANGS)
def test_appeal_form_shows_the_new_version(client, lang):
    page = client.get(APPEAL_URL.format(lang=lang)).content.decode()
    current = consent_text_current(purpose="appeal")
    assert hidden_fields(page)["consent_version"] == "2026-2"
    assert getattr(current, COLUMN[lang]) in page
    assert ID_DOCUMENT[lang] in page


@pytest.mark.parametrize("lang", LANGS)
def test_booking_form_shows_the_new_version(client, lang):
    page = client.get(booking_url(free_slot(), lang)).content.decode()
    current = consent_text_current(purpose="reception")
    assert hidden_fields(page)["consent_version"] == "2026-2"
    assert getattr(current, COLUMN[lang]) in page
    assert ID_DOCUMENT[lang] in page
