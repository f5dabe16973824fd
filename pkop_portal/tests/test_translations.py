"""Every catalogue is complete: no empty, fuzzy or obsolete entry in any language."""

from pathlib import Path

import polib
from django.conf import settings

from pkop_portal.management.commands.translations_check import translation_problems


def test_every_language_catalogue_is_complete():
    assert translation_problems() == []


def test_catalogues_cover_the_same_messages():
    locale = Path(settings.LOCALE_PATHS[0])
    ids = {
        code: {e.msgid for e in polib.pofile(str(locale / code / "LC_MESSAGES" / "django.po"))}
        for code in ("kk", "ru", "en", "zh_Hans")
    }
    assert ids["kk"] == ids["ru"] == ids["en"] == ids["zh_Hans"]
    assert len(ids["ru"]) > 50


def test_js_catalogues_cover_the_same_messages():
    locale = Path(settings.LOCALE_PATHS[0])
    ids = {
        code: {
            (e.msgctxt, e.msgid)
            for e in polib.pofile(str(locale / code / "LC_MESSAGES" / "djangojs.po"))
        }
        for code in ("kk", "ru", "en", "zh_Hans")
    }
    assert ids["kk"] == ids["ru"] == ids["en"] == ids["zh_Hans"]
    assert (None, "Choose a Date") in ids["kk"]
