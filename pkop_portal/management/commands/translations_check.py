"""Fail when any .po file of the portal has an untranslated, fuzzy or obsolete entry."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import to_locale

# djangojs: the admin's JavaScript strings (pkop_portal/admin_strings.js).
DOMAINS = ("django", "djangojs")


def translation_problems(locale_dir: Path | None = None) -> list[str]:
    """One line per problem in locale/<lang>/LC_MESSAGES/<domain>.po, for every language."""
    locale_dir = locale_dir or Path(settings.LOCALE_PATHS[0])
    problems = []
    for code, _name in settings.LANGUAGES:
        for domain in DOMAINS:
            problems += _problems(
                code, locale_dir / to_locale(code) / "LC_MESSAGES" / f"{domain}.po"
            )
    return problems


def _problems(code: str, po_path: Path) -> list[str]:
    if not po_path.is_file():
        return [f"{code}: {po_path} is missing"]
    problems = []
    for entry in polib.pofile(str(po_path)):
        where = code if po_path.stem == "django" else f"{code} ({po_path.stem})"
        label = f"{where}: {entry.msgid[:60]!r}"
        if entry.obsolete:
            problems.append(f"{label} is obsolete")
        elif "fuzzy" in entry.flags:
            problems.append(f"{label} is fuzzy")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append(f"{label} has an empty plural form")
        elif not entry.msgstr.strip():
            problems.append(f"{label} is untranslated")
    return problems


class Command(BaseCommand):
    help = "Check that every language's catalogue is complete (no empty or fuzzy entry)."

    def handle(self, *args, **options):
        problems = translation_problems()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} translation problem(s)")
        self.stdout.write(self.style.SUCCESS("All translations complete."))
