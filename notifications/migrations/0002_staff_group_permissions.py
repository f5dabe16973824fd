"""Heads see the outbox and may retry or cancel a message; nobody may edit or delete one."""

from django.db import migrations

from pkop_portal.permissions import grant_group_permissions, revoke_group_permissions

GRANTS = {"Head": ["view_notification", "change_notification"]}


def grant(apps, schema_editor):
    grant_group_permissions(apps, "notifications", GRANTS)


def revoke(apps, schema_editor):
    revoke_group_permissions(apps, "notifications", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
