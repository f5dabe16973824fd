"""Seed the hotline lines, the staff groups and the 2026 constitutional calendar change."""

import datetime

from django.db import migrations

HOTLINE_LINES = [
    ("kk", "+77252241370", 1),
    ("ru", "+77252241392", 2),
    ("en", "+77252241420", 3),
    ("zh-hans", "+77252241485", 4),
]

# Permissions are granted by the issue that builds each app; the groups exist from the start.
STAFF_GROUPS = [
    "Registrar",
    "Executor",
    "Head",
    "Reception secretary",
    "Charity committee",
    "Compliance officer",
    "Analyst",
]

CALENDAR_OVERRIDES = [
    (
        datetime.date(2026, 8, 31),
        True,
        "Constitution Day (30 Aug) abolished by the 2026 constitutional change: no day off.",
    ),
    (
        datetime.date(2027, 3, 15),
        False,
        "Constitution Day, 15 March from 2027 (2026 constitutional change).",
    ),
]


def seed(apps, schema_editor):
    HotlineLine = apps.get_model("pkop_portal", "HotlineLine")
    Group = apps.get_model("auth", "Group")
    CalendarDay = apps.get_model("pkop_portal", "CalendarDay")
    for language, phone, position in HOTLINE_LINES:
        HotlineLine.objects.get_or_create(
            language=language, defaults={"phone": phone, "position": position}
        )
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)
    for day, is_working, note in CALENDAR_OVERRIDES:
        CalendarDay.objects.get_or_create(date=day, defaults={"is_working": is_working, "note": note})


def unseed(apps, schema_editor):
    apps.get_model("pkop_portal", "HotlineLine").objects.filter(
        language__in=[line[0] for line in HOTLINE_LINES]
    ).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS).delete()
    apps.get_model("pkop_portal", "CalendarDay").objects.filter(
        date__in=[row[0] for row in CALENDAR_OVERRIDES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pkop_portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
